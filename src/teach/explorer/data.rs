//! The page's text parts: the trace's table as HTML, and the numbers for the script as JSON
//! (written by hand: the page needs only strings, numbers and lists).

use std::fmt::Write;

use super::{Pass, Shown, rules};
use crate::teach::{Kind, Trace, number};

/// The trace's table (see `Trace::to_html`), each row marked with its step for the script.
pub(super) fn table(html: &mut String, trace: &Trace) {
    html.push_str("<div id=\"table-pane\"><table id=\"trace\">\n");
    trace.html_rows(html, |step, first| {
        // Rows after a node's first hold only what it passes on.
        format!(
            " data-step=\"{step}\"{}",
            if first { "" } else { " class=\"more\"" }
        )
    });
    html.push_str("</table></div>\n");
}

/// The numbers the script steps through, as JSON: the nodes oldest first (the forward
/// phase), then the sweep's steps newest first, every number printed as the trace prints it.
pub(super) fn json(html: &mut String, shown: &[Shown], trace: &Trace, passes: &[Vec<Pass>]) {
    let output = trace.steps()[0].node();
    let _ = write!(
        html,
        "{{\"output\":{},\"outputTag\":{},\"nodes\":[",
        output.index,
        string(&output.tag())
    );
    for (k, s) in shown.iter().enumerate() {
        let node = s.node;
        let kind = match node.kind {
            Kind::Input => "input",
            Kind::Constant => "constant",
            Kind::Computed => "computed",
        };
        let operands: Vec<String> = node.operands.iter().map(usize::to_string).collect();
        let _ = write!(
            html,
            "{}\n{{\"index\":{},\"tag\":{},\"op\":{},\"kind\":\"{kind}\",\"value\":{},\
             \"operands\":[{}],\"expression\":{},\"rule\":{}}}",
            if k == 0 { "" } else { "," },
            node.index,
            string(&node.tag()),
            string(&node.op),
            string(&number(node.value)),
            operands.join(","),
            string(&s.expression),
            rules::rule(node.code).map_or("null".to_owned(), string),
        );
    }
    html.push_str("],\"steps\":[");
    for (s, (step, list)) in trace.steps().iter().zip(passes).enumerate() {
        let _ = write!(
            html,
            "{}\n{{\"node\":{},\"upstream\":{},\"note\":{},\"passes\":[",
            if s == 0 { "" } else { "," },
            step.node().index,
            string(&number(step.upstream())),
            step.passes_nothing().map_or("null".to_owned(), string),
        );
        for (k, p) in list.iter().enumerate() {
            let _ = write!(
                html,
                "{}{{\"to\":{},\"edge\":{},\"local\":{},\"adds\":{},\"before\":{},\"after\":{},\
                 \"nth\":{},\"of\":{}}}",
                if k == 0 { "" } else { "," },
                p.to,
                p.edge,
                string(&p.local),
                string(&p.adds),
                string(&p.before),
                string(&p.after),
                p.nth,
                p.of
            );
        }
        html.push_str("]}");
    }
    html.push_str("]}\n");
}

/// A JSON string; `<` is written as `\u003c` so that no text can close the script element.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for HTML (and SVG) content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_html, string};

    #[test]
    fn json_strings_escape_quotes_and_cannot_close_the_script() {
        assert_eq!(
            string("a \"b\" \\ </script>\n"),
            r#""a \"b\" \\ \u003c/script>\u000a""#
        );
    }

    #[test]
    fn labels_are_escaped_for_html() {
        assert_eq!(escape_html("<b> & \"q\""), "&lt;b&gt; &amp; &quot;q&quot;");
    }
}
