//! Questions that depend on the region a warehouse is deployed in, which may be unknown.

use super::Truth;
use crate::ir::region::{STACK_REGION, is_region_name};

/// Does the VPC endpoint service name `service` name the service `suffix` (`s3`, `glue`) of the
/// warehouse's region (`None`: unknown)? A service built from the stack's own region
/// ([`STACK_REGION`]) is in the warehouse's region; one written for a named region is when that
/// is the warehouse's, and unknown when the warehouse's region is.
pub fn names_service(service: &str, region: Option<&str>, suffix: &str) -> Truth {
    let service = service.to_ascii_lowercase();
    let Some(rest) = service
        .strip_prefix("com.amazonaws.")
        .or_else(|| service.strip_prefix("cn.com.amazonaws."))
    else {
        return Truth::False;
    };
    let Some((named, what)) = rest.split_once('.') else {
        return Truth::False;
    };
    if what != suffix {
        return Truth::False;
    }
    if named == STACK_REGION {
        return Truth::True;
    }
    match region {
        Some(region) => Truth::from_known(named.eq_ignore_ascii_case(region)),
        None if is_region_name(named) => Truth::Unknown,
        None => Truth::False,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_services_are_judged_against_a_region_that_may_be_unknown() {
        let s3 = "com.amazonaws.eu-west-1.s3";
        assert_eq!(names_service(s3, Some("eu-west-1"), "s3"), Truth::True);
        assert_eq!(names_service(s3, Some("us-east-1"), "s3"), Truth::False);
        assert_eq!(names_service(s3, None, "s3"), Truth::Unknown);
        assert_eq!(names_service(s3, None, "glue"), Truth::False);
        let own = format!("com.amazonaws.{STACK_REGION}.s3");
        assert_eq!(names_service(&own, None, "s3"), Truth::True);
        assert_eq!(names_service(&own, Some("us-east-1"), "s3"), Truth::True);
        assert_eq!(
            names_service("com.amazonaws.nowhere.s3", None, "s3"),
            Truth::False
        );
        assert_eq!(
            names_service("cn.com.amazonaws.cn-north-1.s3", Some("cn-north-1"), "s3"),
            Truth::True
        );
        assert_eq!(names_service("s3", None, "s3"), Truth::False);
    }
}
