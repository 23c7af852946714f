//! A map from offsets in the cleaned text back to offsets in the reader's text.

/// Maps cleaned byte offsets to original byte offsets, segment by segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(clean_start, orig_start)` of each run of bytes copied contiguously.
    segs: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The original offset of cleaned offset `clean`.
    pub fn to_original(&self, clean: usize) -> usize {
        let i = self.segs.partition_point(|&(c, _)| c <= clean);
        if i == 0 {
            return clean;
        }
        let (c, o) = self.segs[i - 1];
        o + (clean - c)
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

    /// Appends `s`, which starts at `orig` in the original text.
    pub fn push(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        if self.next_orig != Some(orig) {
            self.map.segs.push((self.text.len(), orig));
        }
        self.text.push_str(s);
        self.next_orig = Some(orig + s.len());
    }

    /// Appends text that has no source of its own (a separator or a replacement)
    /// and attributes it to original offset `orig`.
    pub fn push_synthetic(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        self.map.segs.push((self.text.len(), orig));
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
        while let Some(&(c, _)) = self.map.segs.last() {
            if c >= self.text.len() && c > 0 {
                self.map.segs.pop();
            } else {
                break;
            }
        }
        self.next_orig = None;
    }

    /// Finishes: the text and its map.
    pub fn finish(self) -> (String, OffsetMap) {
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
}
