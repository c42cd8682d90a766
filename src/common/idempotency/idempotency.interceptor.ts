import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { map, Observable } from 'rxjs';
import { IdempotentResult } from './idempotent-result';

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((value: unknown) => {
        if (!(value instanceof IdempotentResult)) return value;
        const response = context.switchToHttp().getResponse<Response>();
        response.status(value.status);
        if (value.replayed) response.setHeader('Idempotent-Replayed', 'true');
        return value.body as unknown;
      }),
    );
  }
}
