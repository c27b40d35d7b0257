//! The command line's synopsis (the `sh` block under "## Synopsis" in docs/cli.md) names, for each command,
//! exactly the flags its `--help` shows.

use std::collections::BTreeSet;

use assert_cmd::Command;

const COMMANDS: [&str; 6] = ["details", "list", "data-series", "export", "users", "mock-server"];

/// The `--long` names in `text`.
fn long_flags(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_owned)
        .collect()
}

/// The synopsis block, by command: each command's lines (a line starting with its name, and
/// the more deeply indented lines after it), and the lines of the CONNECTION paragraph.
fn synopsis() -> (String, Vec<(String, String)>, String) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let block: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "## Synopsis")
        .skip_while(|l| *l != "```sh")
        .skip(1)
        .take_while(|l| *l != "```")
        .collect();
    assert!(!block.is_empty(), "docs/cli.md has the synopsis");
    let top = block[0].to_owned();
    let mut commands: Vec<(String, String)> = Vec::new();
    let mut connection = String::new();
    let mut in_connection = false;
    for line in &block[1..] {
        let word = line.split_whitespace().next().unwrap_or("");
        if line.starts_with("CONNECTION") {
            in_connection = true;
        } else if COMMANDS.contains(&word) && line.starts_with("  ") && !line.starts_with("   ") {
            in_connection = false;
            commands.push((word.to_owned(), String::new()));
        }
        if in_connection {
            connection.push_str(line);
            connection.push('\n');
        } else if let Some((_, lines)) = commands.last_mut() {
            lines.push_str(line);
            lines.push('\n');
        }
    }
    (top, commands, connection)
}

/// The long flags `command --help` lists as options (not those mentioned in descriptions).
fn help_flags(command: &str) -> BTreeSet<String> {
    let out = Command::cargo_bin("braze-segments")
        .unwrap()
        .args([command, "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("--") || (l.starts_with('-') && l.get(2..4) == Some(", ")))
        .filter_map(|l| long_flags(l).into_iter().next())
        .filter(|f| f != "--help" && f != "--verbose")
        .collect()
}

#[test]
fn the_readme_synopsis_names_exactly_the_flags_of_each_command() {
    let (top, commands, connection) = synopsis();
    assert!(top.starts_with("braze-segments [-v|-vv] <command>"), "{top}");
    let connection_flags = long_flags(&connection);
    assert_eq!(
        connection_flags,
        help_flags("details")
            .difference(&long_flags("--output"))
            .cloned()
            .collect(),
        "the CONNECTION paragraph: {connection}"
    );
    let named: Vec<&str> = commands.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(named, COMMANDS, "every command, in order");
    for (command, lines) in &commands {
        let mut readme = long_flags(lines);
        if lines.contains("[CONNECTION]") {
            readme.extend(connection_flags.iter().cloned());
        }
        assert_eq!(readme, help_flags(command), "{command}: the README says\n{lines}");
    }
}
