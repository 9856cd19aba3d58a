//! One line of mixed Arabic and Latin text made ready for the page: split into visual runs by
//! the Unicode bidi algorithm (the paragraph right to left), each run shaped with rustybuzz, every
//! glyph placed from the line's left edge, and each glyph carrying the text of its cluster in
//! logical order so a PDF reader copies and searches real Arabic (the first glyph of a cluster
//! gets the characters, the others none).

use rustybuzz::{Direction, Face, Feature, UnicodeBuffer};
use unicode_bidi::BidiInfo;

/// A glyph at its place on the line, in font units from the line's left end.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub gid: u16,
    pub x: i32,
    pub y: i32,
    /// The characters this glyph stands for (empty for a cluster's other glyphs).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<Placed>,
    /// In font units.
    pub width: i32,
}

/// Contextual alternates and kerning off: Amiri still joins every letter (that is `init`,
/// `medi`, `fina`, `rlig`), and each glyph then maps to its own characters.
fn features() -> Vec<Feature> {
    ["-calt", "-kern"].iter().filter_map(|f| f.parse().ok()).collect()
}

/// Shapes `text` as one line; its direction is its first strong character's (Arabic: right to
/// left), and a line of only numbers and signs reads left to right (`6 / 1`, `1427/10000`).
pub fn shape_line(face: &Face<'_>, text: &str) -> ShapedLine {
    let mut line = ShapedLine { glyphs: Vec::new(), width: 0 };
    if text.is_empty() {
        return line;
    }
    let bidi = BidiInfo::new(text, None);
    let Some(paragraph) = bidi.paragraphs.first() else { return line };
    let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
    let features = features();
    for run in runs {
        let rtl = levels[run.start].is_rtl();
        let piece = &text[run.clone()];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(piece);
        buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &features, buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        // Cluster starts in logical order, to cut the run's text per cluster.
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut seen = Vec::new();
        for (info, position) in infos.iter().zip(positions) {
            let cluster = info.cluster as usize;
            let text = if seen.contains(&cluster) {
                String::new()
            } else {
                seen.push(cluster);
                let end = starts.iter().find(|s| **s > cluster).copied().unwrap_or(piece.len());
                piece[cluster..end].to_owned()
            };
            // A space is only room: readers put the word break back from the gap, and a space
            // glyph of its own lands on the wrong side of a number in a right-to-left line.
            if !text.is_empty() && text.chars().all(char::is_whitespace) {
                line.width += position.x_advance;
                continue;
            }
            line.glyphs.push(Placed {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                x: line.width + position.x_offset,
                y: position.y_offset,
                text,
            });
            line.width += position.x_advance;
        }
    }
    line
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fonts::REGULAR;

    fn face() -> Face<'static> {
        Face::from_slice(REGULAR, 0).unwrap()
    }

    fn logical(line: &ShapedLine) -> String {
        line.glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn every_character_but_the_spaces_is_kept_once_and_arabic_joins() {
        let text = "منيرة عمر الشمري";
        let line = shape_line(&face(), text);
        // Visual order is right to left, so the glyphs' text read backwards per run; all of it
        // is there exactly once (spaces are room between glyphs, not glyphs).
        let mut got: Vec<char> = logical(&line).chars().collect();
        let mut want: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
        // Joined: the shaped forms are not the isolated ones, so fewer glyph ids repeat.
        let isolated = shape_line(&face(), "م ن ي ر ة");
        assert_ne!(line.glyphs[line.glyphs.len() - 1].gid, isolated.glyphs[isolated.glyphs.len() - 1].gid);
        assert!(line.width > 0);
    }

    #[test]
    fn a_line_of_numbers_reads_left_to_right() {
        let line = shape_line(&face(), "6 / 1");
        let text: String = line.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "6/1");
        assert!(line.glyphs[1].x > line.glyphs[0].x && line.glyphs[2].x > line.glyphs[1].x);
    }

    #[test]
    fn numbers_inside_arabic_stay_left_to_right() {
        let line = shape_line(&face(), "رقم القرار 1445/76452");
        // The number is a left-to-right run at the line's left end (the paragraph is RTL).
        let text: String = line.glyphs.iter().take(10).map(|g| g.text.as_str()).collect();
        assert_eq!(text, "1445/76452");
    }
}
