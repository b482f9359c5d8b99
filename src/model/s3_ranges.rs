//! Amazon S3's IP prefixes per region: embedded at build time from `data/aws-s3-ip-ranges.json`
//! (see `data/README.md` for its source and date), or read from a full AWS `ip-ranges.json`
//! given with `--ip-ranges`.

use ipnet::IpNet;
use std::collections::BTreeMap;

const EMBEDDED: &str = include_str!("../../data/aws-s3-ip-ranges.json");

/// S3 prefixes by region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct S3Ranges {
    regions: BTreeMap<String, (Vec<IpNet>, Vec<IpNet>)>,
}

impl S3Ranges {
    /// The embedded data.
    pub fn embedded() -> S3Ranges {
        // The embedded file is ours and checked by a test; a parse failure cannot happen in a
        // released binary, and would only leave RS108 without prefixes.
        S3Ranges::from_grouped(EMBEDDED).unwrap_or_default()
    }

    /// Reads our grouped format: `{"regions": {"us-east-1": {"ipv4": [...], "ipv6": [...]}}}`.
    fn from_grouped(text: &str) -> Result<S3Ranges, String> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let regions = json
            .get("regions")
            .and_then(|r| r.as_object())
            .ok_or("no `regions` object")?;
        let mut out = S3Ranges::default();
        for (region, families) in regions {
            let list = |key: &str| -> Vec<IpNet> {
                families
                    .get(key)
                    .and_then(|l| l.as_array())
                    .map(|l| l.iter().filter_map(|p| p.as_str()?.parse().ok()).collect())
                    .unwrap_or_default()
            };
            out.regions
                .insert(region.clone(), (list("ipv4"), list("ipv6")));
        }
        Ok(out)
    }

    /// Reads AWS's own `ip-ranges.json` (`prefixes` / `ipv6_prefixes` with `service`, `region`).
    pub fn from_aws_ip_ranges(text: &str) -> Result<S3Ranges, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let mut out = S3Ranges::default();
        let mut any = false;
        for (list, key, v6) in [
            ("prefixes", "ip_prefix", false),
            ("ipv6_prefixes", "ipv6_prefix", true),
        ] {
            let Some(entries) = json.get(list).and_then(|l| l.as_array()) else {
                continue;
            };
            any = true;
            for entry in entries {
                if entry.get("service").and_then(|s| s.as_str()) != Some("S3") {
                    continue;
                }
                let (Some(region), Some(prefix)) = (
                    entry.get("region").and_then(|r| r.as_str()),
                    entry
                        .get(key)
                        .and_then(|p| p.as_str())
                        .and_then(|p| p.parse::<IpNet>().ok()),
                ) else {
                    continue;
                };
                let slot = out.regions.entry(region.to_string()).or_default();
                if v6 {
                    slot.1.push(prefix)
                } else {
                    slot.0.push(prefix)
                }
            }
        }
        if !any {
            return Err("not an AWS ip-ranges.json (no `prefixes`)".into());
        }
        Ok(out)
    }

    /// The IPv4 prefixes of a region (and IPv6 when `ipv6`).
    pub fn prefixes(&self, region: &str, ipv6: bool) -> Vec<IpNet> {
        let Some((v4, v6)) = self.regions.get(region) else {
            return Vec::new();
        };
        let mut out = v4.clone();
        if ipv6 {
            out.extend(v6.iter().copied());
        }
        out
    }

    /// Every region with S3 prefixes, in name order.
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.regions.keys().map(String::as_str)
    }

    pub fn has_region(&self, region: &str) -> bool {
        self.regions.contains_key(region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_has_us_east_1_s3_ranges() {
        let ranges = S3Ranges::embedded();
        let v4 = ranges.prefixes("us-east-1", false);
        assert!(v4.len() > 10);
        // AWS merged 54.231.0.0/17 into 54.231.0.0/16 in 2021: containment, not equality.
        let old: IpNet = "54.231.0.0/17".parse().unwrap();
        assert!(v4.iter().any(|p| p.contains(&old)));
        assert!(ranges.prefixes("us-east-1", true).len() > v4.len());
    }

    #[test]
    fn aws_ip_ranges_files_are_read() {
        let text = r#"{"syncToken": "1", "prefixes": [
            {"ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "S3"},
            {"ip_prefix": "3.4.0.0/16", "region": "us-east-1", "service": "EC2"}],
            "ipv6_prefixes": [{"ipv6_prefix": "2600:1fa0::/40", "region": "us-east-1", "service": "S3"}]}"#;
        let ranges = S3Ranges::from_aws_ip_ranges(text).unwrap();
        assert_eq!(ranges.prefixes("us-east-1", false).len(), 1);
        assert_eq!(ranges.prefixes("us-east-1", true).len(), 2);
        assert!(S3Ranges::from_aws_ip_ranges("{}").is_err());
    }
}
