//! A slow office line between the app and the server: a loopback TCP relay that passes what the
//! app sends at a fixed rate (answers at full speed), so screens that show upload progress, speed
//! and time left can be seen and checked.

use std::time::Duration;

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Relays to `target` (`127.0.0.1:port`); dropped, it stops accepting.
#[derive(Debug)]
pub struct SlowLink {
    pub url: String,
    accept: tokio::task::JoinHandle<()>,
}

impl SlowLink {
    pub async fn start(target: String, bytes_per_second: u64) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let accept = tokio::spawn(async move {
            while let Ok((app, _)) = listener.accept().await {
                let target = target.clone();
                tokio::spawn(async move {
                    // The server may be down (the app then sees the connection close).
                    if let Ok(server) = TcpStream::connect(&target).await {
                        relay(app, server, bytes_per_second).await;
                    }
                });
            }
        });
        Ok(Self { url, accept })
    }
}

impl Drop for SlowLink {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn relay(app: TcpStream, server: TcpStream, bytes_per_second: u64) {
    let (mut app_read, mut app_write) = app.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut app_write).await;
    });
    let mut buffer = vec![0_u8; 16 * 1024];
    while let Ok(n) = app_read.read(&mut buffer).await {
        if n == 0 || server_write.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        tokio::time::sleep(Duration::from_micros(n.saturating_mul(1_000_000) / bytes_per_second.max(1)))
            .await;
    }
    down.abort();
}

/// A valid PDF of about `size` bytes: one page with a line of text, and an unreferenced stream
/// of filler (as a scan's image data would be), with a correct cross-reference table.
pub fn large_pdf(size: usize) -> Vec<u8> {
    let text = b"BT /F1 24 Tf 72 720 Td (Bachelor of Science - scanned certificate) Tj ET";
    let filler: Vec<u8> = (0..size).map(|i| b"0123456789abcdef"[i % 16]).collect();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", text.len()).as_bytes(), text, b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", filler.len()).as_bytes(), &filler, b"\nendstream"].concat(),
    ];
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    pdf
}
