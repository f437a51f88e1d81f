//! Reading a posted form whatever its encoding: url-encoded fields, or multipart fields and
//! files (forms with attachments).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

use super::AppError;

/// Most fields and files one form may post (the contract form has about 50 fields and 11
/// files); a body of countless tiny parts is refused instead of listed.
pub const MAX_PARTS: usize = 200;

fn too_many_parts() -> AppError {
    AppError::BadRequest(format!("表单内容过多（超过 {MAX_PARTS} 项）"))
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

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<FormData, AppError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("multipart/form-data") {
            let bytes = payload
                .to_bytes()
                .await
                .map_err(|_| AppError::BadRequest("无法读取表单内容".into()))?;
            if bytes.split(|b| *b == b'&').count() > MAX_PARTS {
                return Err(too_many_parts());
            }
            let fields = serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| AppError::BadRequest("表单内容格式有误".into()))?;
            return Ok(FormData {
                fields,
                files: Vec::new(),
            });
        }
        let mut multipart = Multipart::new(req.headers(), payload);
        let mut data = FormData::default();
        let mut parts = 0;
        while let Some(item) = multipart.next().await {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(too_many_parts());
            }
            let mut field = item.map_err(|_| AppError::BadRequest("表单内容格式有误".into()))?;
            let (name, filename) = match field.content_disposition() {
                Some(cd) => (
                    cd.get_name().unwrap_or_default().to_owned(),
                    cd.get_filename().map(str::to_owned),
                ),
                None => continue,
            };
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| AppError::BadRequest("上传中断，请重试".into()))?;
                bytes.extend_from_slice(&chunk);
            }
            match filename {
                // A file input left empty still sends a part with an empty name and no bytes.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
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
