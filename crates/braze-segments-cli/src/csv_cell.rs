//! CSV cells a spreadsheet would run as a formula, neutralised, as OWASP recommends for CSV
//! injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in
//! front. So that this stays reversible (export's resume reads the ids back), a cell that starts
//! with `'` gets one more in front as well: reading a cell back is dropping one leading `'` when
//! there is one. Used by every CSV the command writes (`export`, `users`).

use std::borrow::Cow;

/// A cell as written to CSV: neutralised when a spreadsheet would run it (see the module docs).
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as it was before [`neutralised`].
pub fn restored(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralising_is_undone_by_restoring() {
        for cell in [
            "", "plain", "=1+1", "+1", "-2", "@x", "\tx", "\rx", "'", "''x", "'=x", "a=b",
        ] {
            assert_eq!(restored(&neutralised(cell)), cell);
        }
        assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralised("a-b"), "a-b");
    }
}
