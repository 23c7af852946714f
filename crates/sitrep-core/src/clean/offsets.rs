//! A map from offsets in the cleaned text back to offsets in the reader's text.

/// One run of cleaned text and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    /// Where the run starts in the cleaned text.
    clean: usize,
    /// Where it starts in the original.
    orig: usize,
    /// `None` for bytes copied unchanged (cleaned and original advance together); for text
    /// the cleaner made up (a separator, a normalised quote or space), where the original
    /// material it stands for ends. Offsets inside made-up text map to `orig`, since its
    /// bytes have no counterpart of their own; the end of the text maps to this end.
    orig_end: Option<usize>,
}

/// Maps cleaned byte offsets to original byte offsets, segment by segment. A cleaned char
/// boundary always maps to an original char boundary, provided the builder was given char
/// boundaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segs: Vec<Seg>,
    /// Length of the cleaned text.
    len: usize,
}

impl OffsetMap {
    /// The original offset of cleaned offset `clean`.
    pub fn to_original(&self, clean: usize) -> usize {
        let i = self.segs.partition_point(|s| s.clean <= clean);
        if i == 0 {
            return clean;
        }
        let s = self.segs[i - 1];
        match s.orig_end {
            None => s.orig + (clean - s.clean),
            // The end of made-up text that nothing follows: past what it replaced.
            Some(end) if clean >= self.len && clean > s.clean => end,
            Some(_) => s.orig,
        }
    }

    /// Number of segments (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.segs.len()
    }

    /// True when no segment was recorded.
    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }
}

/// Builds cleaned text and its offset map at the same time.
#[derive(Debug, Default)]
pub struct Builder {
    text: String,
    map: OffsetMap,
    /// Where the next byte would come from if it were contiguous with the last one.
    next_orig: Option<usize>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `s`, copied unchanged from original offset `orig` (a char boundary).
    pub fn push(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        if self.next_orig != Some(orig) {
            self.map.segs.push(Seg {
                clean: self.text.len(),
                orig,
                orig_end: None,
            });
        }
        self.text.push_str(s);
        self.next_orig = Some(orig + s.len());
    }

    /// Appends text that has no source of its own (a separator) and attributes it to
    /// original offset `orig`, which must be a char boundary.
    pub fn push_synthetic(&mut self, s: &str, orig: usize) {
        self.push_replacement(s, orig, orig);
    }

    /// Appends text that stands for the original bytes `orig..orig_end` (a curly quote
    /// written as `"`, a no-break space as a space); both ends must be char boundaries.
    pub fn push_replacement(&mut self, s: &str, orig: usize, orig_end: usize) {
        if s.is_empty() {
            return;
        }
        self.map.segs.push(Seg {
            clean: self.text.len(),
            orig,
            orig_end: Some(orig_end.max(orig)),
        });
        self.text.push_str(s);
        self.next_orig = None;
    }

    /// The text built so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Removes trailing characters matched by `f`.
    pub fn trim_end_matches(&mut self, f: impl Fn(char) -> bool) {
        while let Some(c) = self.text.chars().next_back() {
            if !f(c) {
                break;
            }
            self.text.pop();
        }
        while let Some(s) = self.map.segs.last() {
            if s.clean >= self.text.len() && s.clean > 0 {
                self.map.segs.pop();
            } else {
                break;
            }
        }
        self.next_orig = None;
    }

    /// Finishes: the text and its map.
    pub fn finish(mut self) -> (String, OffsetMap) {
        self.map.len = self.text.len();
        (self.text, self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_back() {
        let orig = "ab   cd\nef";
        let mut b = Builder::new();
        b.push("ab", 0);
        b.push_synthetic(" ", 2);
        b.push("cd", 5);
        b.push_synthetic(" ", 7);
        b.push("ef", 8);
        let (t, m) = b.finish();
        assert_eq!(t, "ab cd ef");
        for (i, ch) in t.char_indices() {
            if ch != ' ' {
                assert_eq!(&orig[m.to_original(i)..m.to_original(i) + 1], &t[i..i + 1]);
            }
        }
    }

    #[test]
    fn replacements_map_to_char_boundaries() {
        // `“x”` (curly quotes, 3 bytes each) cleaned to `"x"`.
        let orig = "\u{201c}x\u{201d}";
        let mut b = Builder::new();
        b.push_replacement("\"", 0, 3);
        b.push("x", 3);
        b.push_replacement("\"", 4, 7);
        let (t, m) = b.finish();
        assert_eq!(t, "\"x\"");
        assert_eq!(m.to_original(0), 0);
        assert_eq!(m.to_original(1), 3);
        assert_eq!(m.to_original(2), 4);
        assert_eq!(m.to_original(3), orig.len());
    }

    #[test]
    fn inside_a_separator_maps_to_its_start() {
        let mut b = Builder::new();
        b.push("a", 0);
        b.push_synthetic("\n\n", 1);
        b.push("b", 4);
        let (_, m) = b.finish();
        assert_eq!(m.to_original(1), 1);
        assert_eq!(m.to_original(2), 1);
        assert_eq!(m.to_original(3), 4);
        assert_eq!(m.to_original(4), 5);
    }
}
