use super::*;

const KEY: &str = "SEKRETKEY123";

fn with_key(key: &str) -> Redactor {
    Redactor::with_secrets(std::iter::once(key))
}

#[test]
fn absolute_links_lose_their_secrets() {
    let text = r#"{"object_prefix":5,"url":"https://b.s3.amazonaws.com/p.zip?X-Amz-Date=1&X-Amz-Signature=SECRET"} see http://user:pw@host.example/x#frag and ftp://h/p?t=1"#;
    let shown = without_link_secrets(text.to_owned());
    assert_eq!(
        shown,
        r#"{"object_prefix":5,"url":"https://b.s3.amazonaws.com/p.zip?…"} see http://host.example/x?… and ftp://h/p?…"#
    );
    assert_eq!(without_link_secrets("no link here".into()), "no link here");
    assert_eq!(without_link_secrets("://?a".into()), "://?…");
    let generic = Redactor::generic();
    assert!(!generic.body(text.as_bytes(), 10_000).contains("SECRET"));
    assert!(!generic.text(text, 1_000).contains("pw@"));
}

#[test]
fn relative_links_and_secret_parameters_lose_their_values() {
    let generic = Redactor::generic();
    let shown = generic.text(
        "<html>Bad request: /exports/a.zip?X-Amz-Date=1&X-Amz-Signature=SIGSECRET</html> and /b#frag",
        1_000,
    );
    assert_eq!(shown, "<html>Bad request: /exports/a.zip?…</html> and /b?…");
    assert_eq!(generic.text("?X-Goog-Signature=SIG", 100), "?…");
    assert_eq!(
        generic.text("canonical: sig=SIG&se=2024 X-Amz-Credential=AKIA%2F1; ok", 100),
        "canonical: sig=…&se=2024 X-Amz-Credential=…; ok"
    );
    assert_eq!(
        generic.text("authorization: Bearer abc.def", 100),
        "authorization: Bearer ***"
    );
    // Plain prose is left alone.
    let prose = "segment_id must be a string? yes: 1 = 1 (#5)";
    assert_eq!(generic.text(prose, 100), prose);
}

#[test]
fn the_key_is_hidden_in_every_spelling_and_inside_longer_tokens() {
    let key = "k3y/with\"odd&chars";
    let redactor = with_key(key);
    let spelled = [
        key.to_owned(),
        key.to_uppercase(),
        url::form_urlencoded::byte_serialize(key.as_bytes()).collect(),
        r#"k3y\/with\"odd&chars"#.to_owned(),
        "k3y/with&quot;odd&amp;chars".to_owned(),
        format!("prefix{key}suffix"),
    ];
    for text in spelled {
        let shown = redactor.text(format!("echo: {text} end"), 1_000);
        assert!(!shown.to_ascii_lowercase().contains("k3y"), "{text} → {shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    // A key whose own text holds the marker: another marker, and no key formed by the removal.
    let starry = with_key("abcdefg*");
    let shown = starry.text("aabcdefg*abcdefg*", 100);
    assert!(!shown.contains("abcdefg*"), "{shown}");
    assert_eq!(shown, "a……");
}

#[test]
fn a_secret_across_the_cut_is_removed_before_the_cut() {
    let redactor = with_key(KEY);
    for at in 0..KEY.len() + 2 {
        let text = format!("{}{KEY}", "x".repeat(20 - at.min(20)));
        let shown = redactor.text(text, 20);
        assert!(!shown.contains(&KEY[..6]), "{shown}");
    }
    // Removing a long link's query never pulls text that was not cleaned into view.
    let text = format!("/a?b={} {KEY} ?x=1", "c".repeat(100_000));
    let shown = redactor.text(text, 50);
    assert!(!shown.contains("SEKRET") && !shown.contains("x=1"), "{shown}");
}

#[cfg(feature = "users")]
#[test]
fn a_links_exact_query_is_hidden_wherever_it_appears() {
    let link = url::Url::parse("https://b.example/p.zip?X-Amz-Date=1&X-Amz-Signature=SIGSECRET0123&q=plain").unwrap();
    let redactor = with_key(KEY).with_link(&link);
    for text in [
        "X-Amz-Date=1&X-Amz-Signature=SIGSECRET0123&q=plain",
        "X-Amz-Date=1&amp;X-Amz-Signature=SIGSECRET0123&amp;q=plain",
        "<SignatureProvided>SIGSECRET0123</SignatureProvided>",
    ] {
        let shown = redactor.body(text.as_bytes(), 300);
        assert!(!shown.contains("SIGSECRET"), "{text} → {shown}");
    }
}

#[test]
fn bodies_are_lossy_and_cut() {
    let generic = Redactor::generic();
    assert_eq!(generic.body(b"abc", 10), "abc");
    assert_eq!(generic.body(b"abcdef", 3), "abc…");
    assert_eq!(generic.body(&[0xff, b'a'], 10), "\u{fffd}a");
    assert_eq!(generic.body("éé".as_bytes(), 1), "é…");
}

#[test]
fn hostile_texts_take_linear_time_and_never_panic() {
    let redactor = with_key(KEY);
    for text in [
        "?".repeat(200_000),
        "=".repeat(200_000),
        "a=".repeat(100_000),
        "bearer ".repeat(30_000),
        "://".repeat(60_000),
        "/?#".repeat(60_000),
        KEY.repeat(20_000),
        "é=".repeat(50_000),
    ] {
        let shown = redactor.text(text, 100);
        assert!(shown.chars().count() <= 101);
        assert!(!shown.contains(KEY));
    }
}

#[test]
fn a_short_key_is_hidden_where_it_stands_alone_and_not_inside_words() {
    let redactor = with_key("k");
    assert_eq!(
        redactor.text("key was k; error: FAKE LINE (k)", 100),
        "key was ***; error: FAKE LINE (***)"
    );
    let long = with_key("abcdefgh");
    assert_eq!(
        long.text("xabcdefghx", 100),
        "x***x",
        "from 8 characters, inside words too"
    );
}

#[test]
fn the_key_is_hidden_when_spelled_with_per_character_escapes() {
    let redactor = with_key(KEY);
    for text in [
        r"<x>key \u0053EKRETKEY123 </x>",
        r#"{"description":"\u0053\u0045KRETKEY123"}"#,
        r"SEKRET\u004bEY123",
        r"\ud835\udc00 SEKRETKEY\u0031\u00323",
        r"SEKRET\x4BEY123",
        "http://evil.example/SEKRET%4BEY123/x",
        "http://evil.example/%53%45%4B%52%45%54KEY123",
        "<p>&#83;EKRETKEY123</p>",
        "<p>&#x53;EKRETKEY123</p>",
        "<p>&#0083EKRETKEY123</p>",
        "<p>SEKRET&shy;KEY123</p>",
        "SEKRET\u{ad}KEY\u{200b}123",
        "SEKRET&#x4b;EY%31\\u0032&#51;",
    ] {
        let shown = redactor.text(text, 1_000);
        assert!(shown.contains("***"), "{text} → {shown}");
        assert!(!shown.contains("KRET") && !shown.contains("EY12"), "{text} → {shown}");
    }
    // Only the secret's own characters go: what surrounds it stays.
    assert_eq!(redactor.text(r"<x>key \u0053EKRETKEY123 </x>", 100), "<x>key *** </x>");
    assert_eq!(redactor.text("a &#83;EKRETKEY123&amp;b", 100), "a ***&amp;b");
    assert_eq!(
        redactor.text("http://e.example/SEKRET%4BEY123/x", 100),
        "http://e.example/***/x"
    );
    // A short key spelled with escapes still counts only where it stands alone.
    let short = with_key("k");
    assert_eq!(short.text(r"was \u006b; ma\u006be", 100), "was ***; ma\\u006be");
}

#[test]
fn broken_escapes_never_panic_and_stay_as_they_were() {
    let redactor = with_key(KEY);
    for text in [
        r"\ud800 lone high",
        r"\udc00 lone low",
        r"\ud800\u0041",
        r"\u12",
        r"\u",
        "\\",
        "%",
        "%4",
        "%zz",
        "%C3",
        "%C3%",
        "%C3%28",
        "%F4%90%80%80",
        "&#",
        "&#x;",
        "&#99999999999999999999;",
        "&#xD800;",
        "&amp",
        "&",
        "&unknownentity;",
        "é%é\\é&é",
    ] {
        assert_eq!(redactor.text(text, 1_000), text);
    }
    for text in [
        r"\u0041".repeat(50_000),
        "%41".repeat(60_000),
        "&#65;".repeat(40_000),
        "&#00000000000000".repeat(10_000),
        r"\ud800".repeat(30_000),
        format!("{}{}", r"\u0053".repeat(30_000), "EKRETKEY123"),
    ] {
        let shown = redactor.text(text, 100);
        assert!(shown.chars().count() <= 101);
        assert!(!shown.contains("EKRETKEY"));
    }
}

#[test]
fn ordinary_prose_is_not_masked() {
    let generic = Redactor::generic();
    for prose in [
        "Expected key=value like id=abc",
        "why?a=b",
        "rate: 5/s, remaining=0; key=ok",
        "api_key is missing",
        "Invalid segment_id? Expected key=value",
    ] {
        assert_eq!(generic.text(prose, 1_000), prose);
    }
    // Links and credentials stay hidden.
    assert_eq!(generic.text("x?key=abc", 100), "x?…");
    assert_eq!(generic.text("why?a=b&sig=SIG", 100), "why?…");
    assert_eq!(generic.text("p.zip?a=b", 100), "p.zip?…");
    assert_eq!(generic.text("a=1&key=abc;key=def", 100), "a=1&key=…;key=…");
    assert_eq!(
        generic.text(
            "api_key=A apikey=B access_key=C X-Amz-Signature=D token=E password=F",
            100
        ),
        "api_key=… apikey=… access_key=… X-Amz-Signature=… token=… password=…"
    );
}
