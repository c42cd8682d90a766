import { Module } from '@nestjs/common';
import { DocumentRenderer } from './document-renderer';
import { PdfRenderer } from './pdf-renderer';

/** Statements, acknowledgements and reminders as HTML in the six UN languages, and as PDF. */
@Module({
  providers: [DocumentRenderer, PdfRenderer],
  exports: [DocumentRenderer, PdfRenderer],
})
export class DocumentsModule {}
