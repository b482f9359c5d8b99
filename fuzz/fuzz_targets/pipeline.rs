//! Arbitrary bytes as standard input to `check`: classification (plan, template or neither),
//! the front end, model, rules, suppressions, fixes applied in memory, every report format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The command line decodes standard input like a file and reports anything else.
    let Ok(text) = redshield::discover::decode(data) else {
        return;
    };
    redshield_fuzz::pipeline(text);
});
