//! The list's page size is one fact: the spec's `maxItems` on `SegmentList.segments`. The SDK
//! (which stops paging after a shorter page) and the stand-in (which pages by it) each keep a
//! constant, checked here against the spec.

use serde_json::Value;

use crate::{Problem, SPEC};

/// The page sizes in the code, with where each lives.
fn page_sizes() -> [(usize, &'static str); 2] {
    [
        (
            braze_segments::PAGE_SIZE,
            "braze_segments::PAGE_SIZE (crates/braze-segments/src/export/list.rs)",
        ),
        (
            braze_segments_mock_server::PAGE_SIZE,
            "braze_segments_mock_server::PAGE_SIZE (crates/braze-segments-mock-server/src/lib.rs)",
        ),
    ]
}

/// Compares every page size in the code with the spec's.
pub fn check_page_size(spec: &Value) -> Vec<Problem> {
    let pointer = "/components/schemas/SegmentList/properties/segments/maxItems";
    let Some(spec_size) = spec.pointer(pointer).and_then(Value::as_u64) else {
        return vec![Problem {
            check: "page-size",
            message: format!("{SPEC} gives `SegmentList.segments` no `maxItems`: the page size is undocumented"),
            fix: "add `maxItems: 100` (Braze's page size) to `SegmentList.segments`".into(),
        }];
    };
    page_sizes()
        .into_iter()
        .filter(|(size, _)| *size as u64 != spec_size)
        .map(|(size, place)| Problem {
            check: "page-size",
            message: format!("{place} is {size}, but {SPEC} pages `/segments/list` by {spec_size} (`maxItems`)"),
            fix: format!("make {place} {spec_size}, or fix the spec's `maxItems`"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_size_other_than_the_specs_is_named() {
        let spec = |size: u64| serde_json::json!({"components": {"schemas": {"SegmentList": {"properties": {"segments": {"maxItems": size}}}}}});
        assert!(check_page_size(&spec(100)).is_empty());
        let problems = check_page_size(&spec(50));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].message.contains("braze_segments::PAGE_SIZE"),
            "{problems:?}"
        );
        assert_eq!(check_page_size(&serde_json::json!({})).len(), 1);
    }
}
