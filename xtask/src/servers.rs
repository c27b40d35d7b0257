//! Braze's instances have one source, `braze_segments::Instance`: the spec's `servers` must list
//! exactly its REST URLs under its names, and every instance name or REST URL typed by hand in the
//! README and the crates' sources must agree with it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use braze_segments::Instance;
use serde_json::Value;

use crate::{Problem, SPEC};

const INSTANCE: &str = "crates/braze-segments/src/instance.rs";

fn problem(message: String, fix: String) -> Problem {
    Problem {
        check: "instances",
        message,
        fix,
    }
}

/// The spec's `servers` against `Instance::ALL`, both ways, names included.
pub fn check_servers(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let servers: Vec<(&str, &str)> = spec
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            let text = |key: &str| s.get(key).and_then(Value::as_str).unwrap_or_default();
            (text("url"), text("description"))
        })
        .collect();
    for (url, description) in &servers {
        match Instance::ALL.iter().find(|i| i.rest_url() == url.trim_end_matches('/')) {
            None => problems.push(problem(
                format!("{SPEC}: server {url} ({description}) is not a braze_segments::Instance"),
                format!("add the instance to Instance ({INSTANCE}: the enum, ALL and info), or drop the server"),
            )),
            Some(instance) if instance.name() != description.trim() => problems.push(problem(
                format!("{SPEC}: server {url} is described as `{description}`, but it is {instance}"),
                format!("describe it as `{instance}` in the spec (or correct {INSTANCE})"),
            )),
            Some(_) => {}
        }
    }
    for instance in Instance::ALL {
        if !servers
            .iter()
            .any(|(url, _)| url.trim_end_matches('/') == instance.rest_url())
        {
            problems.push(problem(
                format!("{SPEC} has no server for {instance} ({})", instance.rest_url()),
                format!(
                    "add `- url: {}` with `description: {instance}` to the spec's servers, or retire the instance",
                    instance.rest_url()
                ),
            ));
        }
    }
    problems
}

/// The files whose hand-typed instance names are checked: the README, the docs, and every Rust
/// source and README of the crates (the generated snapshots aside).
fn texts(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("crates"), root.join("docs")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "generated" && n != "target") {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
                files.push(path);
            }
        }
    }
    files.retain(|f| f.is_file());
    files.sort();
    files
}

/// Hand-typed instance names and URLs: a list of three or more names must be every instance in
/// Braze's order (or its start and end around an ellipsis), a name on a line with a REST URL must
/// be that URL's instance, and in the README every name and REST URL must be real.
pub fn check_instance_texts(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let all: Vec<&str> = Instance::ALL.iter().map(|i| i.name()).collect();
    for file in texts(root) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let rel = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        // Documentation: every name and REST URL in it must be real.
        let readme = rel.ends_with(".md");
        for (n, line) in text.lines().enumerate() {
            let at = format!("{rel}:{}", n + 1);
            let names = instance_names(line);
            let urls = rest_urls(line);
            if names.len() >= 3 {
                let in_order = names.iter().all(|n| all.contains(n)) && is_subsequence(&names, &all);
                let abbreviated = line.contains('…') || line.contains("...");
                let complete =
                    names == all || (abbreviated && names.first() == all.first() && names.last() == all.last());
                if !(in_order && complete) {
                    problems.push(problem(
                        format!(
                            "{at} lists instances by hand ({}), not as Instance::ALL has them",
                            names.join(", ")
                        ),
                        format!("write every instance ({}) or use Instance::names()", Instance::names()),
                    ));
                }
            }
            if let (Some(name), Some(url)) = (names.first(), urls.first()) {
                let expected = name.parse::<Instance>().ok().map(Instance::rest_url);
                if expected.is_some_and(|e| e != *url) {
                    problems.push(problem(
                        format!(
                            "{at} pairs {name} with {url}, but {name} is {}",
                            expected.unwrap_or_default()
                        ),
                        format!("correct the line, or {INSTANCE} if Braze moved the instance"),
                    ));
                }
            }
            if readme {
                for name in names.iter().filter(|n| !all.contains(n)) {
                    problems.push(problem(
                        format!("{at} names instance {name}, which braze_segments::Instance does not have"),
                        format!("name one of {}", Instance::names()),
                    ));
                }
                for url in urls
                    .iter()
                    .filter(|u| !Instance::ALL.iter().any(|i| i.rest_url() == **u))
                {
                    problems.push(problem(
                        format!("{at} gives {url}, which is no instance's REST URL"),
                        "use an instance's rest_url() (crates/braze-segments/src/instance.rs)".into(),
                    ));
                }
            }
        }
    }
    problems
}

/// Tokens shaped like an instance name: two capitals, a dash, two digits (`US-03`).
fn instance_names(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let boundary = |i: usize| i >= bytes.len() || !bytes[i].is_ascii_alphanumeric();
    (0..bytes.len().saturating_sub(4))
        .filter(|&i| {
            (i == 0 || boundary(i - 1))
                && bytes[i].is_ascii_uppercase()
                && bytes[i + 1].is_ascii_uppercase()
                && bytes[i + 2] == b'-'
                && bytes[i + 3].is_ascii_digit()
                && bytes[i + 4].is_ascii_digit()
                && boundary(i + 5)
        })
        .map(|i| &line[i..i + 5])
        .collect()
}

/// Braze REST URLs on a line (`https://rest.<cluster>.braze.com` or `.eu`), without a path.
fn rest_urls(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = line[from..].find("https://rest.") {
        let start = from + found;
        let host = &line[start + "https://".len()..];
        let len = host
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
            .unwrap_or(host.len());
        let host = host[..len].trim_end_matches('.');
        let end = start + "https://".len() + host.len();
        if host.ends_with(".braze.com") || host.ends_with(".braze.eu") {
            out.push(&line[start..end]);
        }
        from = end;
    }
    out
}

fn is_subsequence(names: &[&str], all: &[&str]) -> bool {
    let mut it = all.iter();
    let unique: BTreeSet<_> = names.iter().collect();
    unique.len() == names.len() && names.iter().all(|n| it.any(|a| a == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls_are_found_on_a_line() {
        assert_eq!(instance_names("use `US-03` or EU-01, not XUS-031"), ["US-03", "EU-01"]);
        assert_eq!(
            rest_urls("a https://rest.iad-03.braze.com/x, https://rest.fra-01.braze.eu."),
            ["https://rest.iad-03.braze.com", "https://rest.fra-01.braze.eu"]
        );
        assert!(rest_urls("https://rest.iad-01.braze.com.evil.com/a").is_empty());
    }
}
