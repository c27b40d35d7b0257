//! Text a server sent (a body, an XML `<Message>`, a `Location`, a snippet), made fit for an
//! error or a log line: without the API key in any spelling a server could echo it, without the
//! secrets of links (their user info, query and fragment, absolute or relative), and bounded.
//! Every error text the SDK builds from what a server sent goes through [`Redactor`].

use secrecy::zeroize::Zeroizing;

mod view;

use view::View;

/// What stands for a removed secret (`…` when a secret itself holds a `*`).
const HIDDEN: &str = "***";

/// Secrets at least this long are hidden wherever they appear, inside longer words too
/// (Braze's keys are 36-character UUIDs); shorter ones only where they stand alone.
const HIDDEN_INSIDE_WORDS_FROM: usize = 8;

/// Removes secrets from a server's text. It holds the spellings of the secrets it knows (the
/// API key, a download link's query), wiped when dropped; it has no `Debug`. Build one per
/// error, on the error path.
pub(crate) struct Redactor {
    /// Each secret as given and decoded once, ASCII-lowercased (matching ignores ASCII case and
    /// is done on the decoded view of a text, so any per-character spelling is found).
    secrets: Vec<Zeroizing<String>>,
    hidden: &'static str,
}

impl Redactor {
    /// A redactor that knows no secret: it still applies the generic rules (links, `Bearer`,
    /// secret-looking parameters) and bounds.
    pub(crate) fn generic() -> Self {
        Redactor::with_secrets(std::iter::empty())
    }

    pub(crate) fn with_secrets<'a>(secrets: impl Iterator<Item = &'a str>) -> Self {
        let mut redactor = Redactor {
            secrets: Vec::new(),
            hidden: HIDDEN,
        };
        for secret in secrets {
            redactor.add(secret);
        }
        redactor
    }

    /// Also hides what a storage host could echo of `link`: its exact query (as sent, decoded,
    /// or escaped), each value of a secret-looking parameter of it, and its user info.
    #[cfg(feature = "users")]
    pub(crate) fn with_link(mut self, link: &url::Url) -> Self {
        if let Some(query) = link.query() {
            self.add(query);
            for (name, value) in link.query_pairs() {
                if is_secret_name(&name) && value.len() >= 4 {
                    self.add(&value);
                }
            }
        }
        if !link.username().is_empty() {
            self.add(link.username());
        }
        if let Some(password) = link.password() {
            self.add(password);
        }
        self
    }

    fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.is_empty() {
            return;
        }
        if secret.contains('*') {
            self.hidden = "…";
        }
        let decoded = Zeroizing::new(View::of(secret).text);
        for spelling in [secret, decoded.as_str()] {
            let spelling = Zeroizing::new(spelling.to_ascii_lowercase());
            if !spelling.is_empty() && !self.secrets.iter().any(|s| **s == *spelling) {
                self.secrets.push(spelling);
            }
        }
    }

    /// `text` without secrets, cut to `max` characters (`…` where it was cut). The whole text
    /// is cleaned before it is cut (a cut never leaves part of a secret, and removing a secret
    /// never pulls uncleaned text into view); texts are bounded by the body cap.
    pub(crate) fn text(&self, text: impl Into<String>, max: usize) -> String {
        cut(self.clean(text.into()), max)
    }

    /// A body (or the start of one), lossily decoded, without secrets, cut to `max` characters.
    pub(crate) fn body(&self, body: &[u8], max: usize) -> String {
        self.text(String::from_utf8_lossy(body).into_owned(), max)
    }

    /// `text` without the secrets this redactor knows (no generic rules, no bound). Secrets are
    /// found in the decoded view of `text` (so `\u0053EKRET`, `SEKRET%4B`, `&#83;EKRET` are found
    /// too) and the original characters they came from are removed.
    fn known_secrets(&self, text: String) -> String {
        if self.secrets.is_empty() {
            return text;
        }
        let view = View::of(&text);
        let lower = &view.text;
        let mut found: Vec<(usize, usize)> = Vec::new();
        let bytes = lower.as_bytes();
        let alone = |at: usize, end: usize| {
            let word_before = at > 0 && bytes[at - 1].is_ascii_alphanumeric();
            let word_after = bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
            !(word_before || word_after)
        };
        for secret in &self.secrets {
            let matches = lower.match_indices(secret.as_str()).map(|(at, m)| (at, at + m.len()));
            // A short secret (a test key such as "k") is hidden where it stands alone: inside
            // words it would mask ordinary letters and hide nothing.
            let short = secret.len() < HIDDEN_INSIDE_WORDS_FROM;
            found.extend(
                matches
                    .filter(|&(at, end)| !short || alone(at, end))
                    .filter_map(|(at, end)| view.original_range(at, end)),
            );
        }
        if found.is_empty() {
            return text;
        }
        found.sort_unstable();
        // Overlapping matches of different spellings are merged.
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (at, end) in found {
            if at >= last {
                out.push_str(&text[last..at]);
                out.push_str(self.hidden);
            }
            last = last.max(end);
        }
        out.push_str(&text[last..]);
        out
    }

    /// `text` without the known secrets, then without the generic ones.
    fn clean(&self, text: String) -> String {
        let text = self.known_secrets(text);
        secret_parameters(relative_links(without_link_secrets(bearer_tokens(text))))
    }
}

/// Where a link (or any token) ends: white space, a quote, an angle bracket, a backslash
/// (JSON's `\"`) or a backtick.
fn ends_token(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
}

/// `text` with the token after each `Bearer ` hidden.
fn bearer_tokens(text: String) -> String {
    const BEARER: &str = "bearer ";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(BEARER) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(BEARER) {
        if at < last {
            continue;
        }
        let start = at + BEARER.len();
        let rest = &text[start..];
        let skipped = rest.len() - rest.trim_start_matches(' ').len();
        let token = &rest[skipped..];
        let end = token.find(ends_token).unwrap_or(token.len());
        out.push_str(&text[last..start + skipped]);
        if end > 0 {
            out.push_str(HIDDEN);
        }
        last = start + skipped + end;
    }
    out.push_str(&text[last..]);
    out
}

/// `text` with every absolute link's query and fragment shown as `?…` and its user info left
/// out: a pre-signed link's signature (`X-Amz-Signature=…`), a token or a password never reaches
/// an error, a log or a terminal.
pub(crate) fn without_link_secrets(text: String) -> String {
    if !text.contains("://") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail.find(ends_token).unwrap_or(tail.len());
        let link = &tail[..end];
        let authority_end = link.find(['/', '?', '#']).unwrap_or(link.len());
        let link = match link[..authority_end].rfind('@') {
            Some(user_info) => &link[user_info + 1..],
            None => link,
        };
        match link.find(['?', '#']) {
            Some(query) => {
                out.push_str(&link[..query]);
                out.push_str("?…");
            }
            None => out.push_str(link),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with the query and fragment of relative links shown as `?…`: a token that starts with
/// `/` loses what follows its first `?` or `#`; any other token loses what follows a `?` that
/// starts parameters (`?name=value`) where the token is a link: nothing before the `?`, a path
/// or file name before it, or a secret-named parameter after it (a word before `?` in prose,
/// `why?a=b`, is not a link).
fn relative_links(text: String) -> String {
    if !text.contains(['?', '#']) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let start = rest.find(|c: char| !ends_token(c)).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(ends_token).unwrap_or(rest.len());
        let token = &rest[..end];
        let cut_at = if token.starts_with('/') {
            token.find(['?', '#']).filter(|&at| at + 1 < token.len())
        } else {
            // The first `?` with a `=` after it (linear: one search each way, one split).
            token
                .find('?')
                .filter(|&at| token.rfind('=').is_some_and(|eq| eq > at) && is_link(&token[..at], &token[at + 1..]))
        };
        match cut_at {
            Some(at) => {
                out.push_str(&token[..at]);
                out.push_str("?…");
            }
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out
}

/// True where `before?parameters` is a link rather than prose.
fn is_link(before: &str, parameters: &str) -> bool {
    before.is_empty()
        || before.contains(['/', '.', ':'])
        || parameters
            .split(['&', ';'])
            .any(|pair| pair.split_once('=').is_some_and(|(name, _)| is_secret_name(name)))
}

/// True for a parameter name that says its value is a secret (`X-Amz-Signature`, `sig`,
/// `X-Amz-Credential`, `X-Amz-Security-Token`, `api_key`, `password`, ...).
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "sig",
        "signature",
        "token",
        "credential",
        "key",
        "keyid",
        "password",
        "secret",
        "auth",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// `text` with the value of every secret-looking `name=value` hidden (up to `&`, `;`, `#` or the
/// end of the token). A bare `key` counts only as a link's parameter (right after `?`, `&` or
/// `;`): in prose (`Expected key=value`) it is a word, not a credential.
fn secret_parameters(text: String) -> String {
    if !text.contains('=') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices('=') {
        if at < last {
            continue;
        }
        let name_start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        let name = &text[name_start..at];
        let in_link = text[..name_start].ends_with(['?', '&', ';']);
        if name_start < last || !is_secret_name(name) || (!in_link && name.eq_ignore_ascii_case("key")) {
            continue;
        }
        let value = &text[at + 1..];
        let end = value
            .find(|c: char| ends_token(c) || matches!(c, '&' | ';' | '#' | ',' | ')'))
            .unwrap_or(value.len());
        if matches!(&value[..end], "" | "…" | HIDDEN) {
            continue;
        }
        out.push_str(&text[last..=at]);
        out.push('…');
        last = at + 1 + end;
    }
    out.push_str(&text[last..]);
    out
}

/// `text`, cut to `max` characters, with `…` where it was cut.
pub(crate) fn cut(mut text: String, max: usize) -> String {
    if let Some((at, _)) = text.char_indices().nth(max) {
        text.truncate(at);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests;
