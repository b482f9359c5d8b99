//! Arbitrary bytes as standard input to `check`: classification (plan, template or neither),
//! the front end, model, rules, suppressions, fixes applied in memory, every report format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The command line reads standard input as UTF-8 and refuses anything else.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    redshield_fuzz::pipeline(text.to_string());
});
