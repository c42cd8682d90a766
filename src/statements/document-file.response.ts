import { createHash } from 'node:crypto';
import { Request, Response } from 'express';
import { PreviewFormat } from './dto/issued-document.dto';
import { DocumentFile } from './issued-documents.service';

/**
 * The policy of a document's HTML: its own inline styles and embedded fonts and images, no
 * script, nothing fetched; framed only by our own pages (the preview page shows it in a frame).
 */
export const DOCUMENT_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "font-src data: 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Sends a document's bytes as they are, with the digest of what is sent (Repr-Digest, RFC
 * 9530) and, for a stored PDF, the SHA-256 recorded when it was issued (X-Document-SHA256).
 */
export function sendDocumentFile(response: Response, file: DocumentFile): void {
  response.setHeader('Content-Type', file.contentType);
  response.setHeader('Content-Disposition', `${file.disposition}; filename="${file.filename}"`);
  response.setHeader(
    'Repr-Digest',
    `sha-256=:${createHash('sha256').update(file.body).digest('base64')}:`,
  );
  if (file.sha256 !== undefined) response.setHeader('X-Document-SHA256', file.sha256);
  response.setHeader('Cache-Control', 'private, no-store');
  if (file.contentType.startsWith('text/html')) {
    response.setHeader('Content-Security-Policy', DOCUMENT_CONTENT_SECURITY_POLICY);
    response.setHeader('X-Frame-Options', 'SAMEORIGIN');
  }
  response.status(200).send(file.body);
}

/** ?format=html|pdf, or else what the Accept header prefers (HTML unless it asks for PDF). */
export function previewFormat(request: Request, format: PreviewFormat | undefined): PreviewFormat {
  return (
    format ??
    (request.accepts(['text/html', 'application/pdf']) === 'application/pdf' ? 'pdf' : 'html')
  );
}
