//! Reading a posted form whatever its encoding: url-encoded fields, or multipart fields and
//! files (forms with attachments). The one parser of posted forms: the gate reads the CSRF
//! token with it, and handlers read the same body with it again.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest, ResponseError};
use futures_util::future::LocalBoxFuture;
use futures_util::{Stream, StreamExt};

use super::AppError;

/// Most fields and files one form may post (the contract form has about 50 fields and 11
/// files); a body of countless tiny parts is refused instead of listed.
pub const MAX_PARTS: usize = 200;

/// Why a posted body could not be read as a form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("表单内容过多（超过 {MAX_PARTS} 项）")]
    TooManyParts,
    #[error("表单内容格式有误")]
    Malformed,
    #[error("上传中断，请重试")]
    Interrupted,
    /// More than the reader's bound (`Limits`).
    #[error("提交的内容过大")]
    TooLarge,
}

impl FormError {
    pub fn status(&self) -> StatusCode {
        match self {
            FormError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl ResponseError for FormError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }
}

/// A handler's posted form, read with the parser the gate's token check used. The gate has
/// already read and bounded the body.
impl FromRequest for FormData {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<FormData, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers().clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AppError::BadRequest("无法读取表单内容".into()))?;
                body.extend_from_slice(&chunk);
            }
            Ok(FormData::parse(&headers, body.freeze()).await?)
        })
    }
}

impl From<FormError> for AppError {
    fn from(e: FormError) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

/// One uploaded file.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The fields and files of a posted form.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

/// What a multipart read keeps and how much it reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Whether file parts are kept (else read past as they stream by).
    pub keep_files: bool,
    /// Most bytes of the whole body.
    pub body: usize,
    /// Most bytes of text fields together.
    pub text: usize,
}

impl Limits {
    /// Everything, for a body already read within the gate's bound.
    pub const ALL: Limits = Limits {
        keep_files: true,
        body: usize::MAX,
        text: usize::MAX,
    };
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form in `body`, url-encoded or multipart as `headers` say.
    pub async fn parse(headers: &HeaderMap, body: Bytes) -> Result<FormData, FormError> {
        if !is_multipart(headers) {
            if body.split(|b| *b == b'&').count() > MAX_PARTS {
                return Err(FormError::TooManyParts);
            }
            let fields = serde_urlencoded::from_bytes(&body).map_err(|_| FormError::Malformed)?;
            return Ok(FormData {
                fields,
                files: Vec::new(),
            });
        }
        let stream = futures_util::stream::once(async move { Ok::<_, PayloadError>(body) });
        Self::multipart(headers, stream, Limits::ALL).await
    }

    /// The parts of a multipart body read from `stream`, within `limits`.
    pub async fn multipart<S>(
        headers: &HeaderMap,
        stream: S,
        limits: Limits,
    ) -> Result<FormData, FormError>
    where
        S: Stream<Item = Result<Bytes, PayloadError>> + 'static,
    {
        let mut multipart = Multipart::new(headers, stream);
        let mut data = FormData::default();
        let (mut parts, mut total, mut text) = (0usize, 0usize, 0usize);
        while let Some(item) = multipart.next().await {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(FormError::TooManyParts);
            }
            let mut field = item.map_err(|_| FormError::Malformed)?;
            let Some((name, filename)) = field.content_disposition().map(|cd| {
                (
                    cd.get_name().unwrap_or_default().to_owned(),
                    cd.get_filename().map(str::to_owned),
                )
            }) else {
                continue;
            };
            let keep = filename.is_none() || limits.keep_files;
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| FormError::Interrupted)?;
                total += chunk.len();
                if filename.is_none() {
                    text += chunk.len();
                }
                if total > limits.body || text > limits.text {
                    return Err(FormError::TooLarge);
                }
                if keep {
                    bytes.extend_from_slice(&chunk);
                }
            }
            match filename {
                // A file input left empty still sends a part with an empty name and no bytes.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(_) if !keep => {}
                Some(filename) => data.files.push(FilePart {
                    field: name,
                    filename,
                    bytes,
                }),
                None => data
                    .fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn multipart_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XyZ"),
        );
        h
    }

    const BODY: &str = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--XyZ--\r\n";

    #[actix_web::test]
    async fn reads_text_fields_and_files_of_multipart_bodies() {
        let form = FormData::parse(&multipart_headers(), Bytes::from_static(BODY.as_bytes()))
            .await
            .unwrap();
        assert_eq!(form.get("csrf_token"), Some("abc"));
        assert_eq!(form.files.len(), 1);
        assert_eq!(form.files[0].filename, "a.pdf");
        assert_eq!(form.files[0].bytes, b"%PDF");
    }

    #[actix_web::test]
    async fn a_part_is_named_by_its_content_disposition_only() {
        // Another header of the part that mentions a name does not rename it, and a file part
        // never counts as a field, whatever its content looks like.
        let body = "--XyZ\r\nX-Note: name=\"csrf_token\"\r\nContent-Disposition: form-data; name=\"remark\"\r\n\r\nforged\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"; filename=\"t.txt\"\r\n\r\nforged\r\n--XyZ--\r\n";
        let form = FormData::parse(&multipart_headers(), Bytes::from(body))
            .await
            .unwrap();
        assert_eq!(form.get("csrf_token"), None);
        assert_eq!(form.get("remark"), Some("forged"));
        assert_eq!(form.files.len(), 1);
    }

    #[actix_web::test]
    async fn files_are_dropped_and_sizes_bounded_when_asked() {
        let stream = futures_util::stream::once(async {
            Ok::<_, PayloadError>(Bytes::from_static(BODY.as_bytes()))
        });
        let limits = Limits {
            keep_files: false,
            body: 10_000,
            text: 10_000,
        };
        let form = FormData::multipart(&multipart_headers(), stream, limits)
            .await
            .unwrap();
        assert_eq!(form.get("csrf_token"), Some("abc"));
        assert!(form.files.is_empty());
        let stream = futures_util::stream::once(async {
            Ok::<_, PayloadError>(Bytes::from_static(BODY.as_bytes()))
        });
        let tight = Limits { text: 2, ..limits };
        let e = FormData::multipart(&multipart_headers(), stream, tight)
            .await
            .unwrap_err();
        assert_eq!(e, FormError::TooLarge);
        assert_eq!(e.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[actix_web::test]
    async fn url_encoded_bodies_and_their_part_count() {
        let h = HeaderMap::new();
        let form = FormData::parse(&h, Bytes::from_static(b"a=1&csrf_token=x%20y"))
            .await
            .unwrap();
        assert_eq!(form.get("csrf_token"), Some("x y"));
        let many = vec!["a=1"; MAX_PARTS + 1].join("&");
        assert_eq!(
            FormData::parse(&h, Bytes::from(many)).await.unwrap_err(),
            FormError::TooManyParts
        );
    }
}
