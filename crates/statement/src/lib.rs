//! The service statement (بيان خدمة) as a PDF: Arabic shaped and right to left, numbers left to
//! right, the text extractable as logical Arabic (searchable, copyable), the font embedded as a
//! subset. Its own crate so the PDF library's build does not slow the others.

pub mod fonts;
pub mod page;
pub mod shape;
pub mod statement;
pub mod words;

pub use statement::{Issue, Statement, StatementError, Verification, render};
