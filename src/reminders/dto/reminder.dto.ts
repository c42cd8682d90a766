import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { MoneyResponse } from '../../ledger/dto/journal.dto';

/** The whole policy of a fund (PUT replaces it): the limits are the database's own checks. */
export class ReminderPolicyRequest {
  @ApiProperty({ example: true })
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled!: boolean;

  @ApiProperty({ example: 30, minimum: 0, maximum: 365 })
  @IsInt({ message: 'daysBeforeDue must be a whole number of days' })
  @Min(0, { message: 'daysBeforeDue must be between 0 and 365' })
  @Max(365, { message: 'daysBeforeDue must be between 0 and 365' })
  daysBeforeDue!: number;

  @ApiProperty({ example: 30, minimum: 1, maximum: 365 })
  @IsInt({ message: 'overdueEveryDays must be a whole number of days' })
  @Min(1, { message: 'overdueEveryDays must be between 1 and 365' })
  @Max(365, { message: 'overdueEveryDays must be between 1 and 365' })
  overdueEveryDays!: number;

  @ApiProperty({ example: 3, minimum: 0, maximum: 24 })
  @IsInt({ message: 'maxOverdueReminders must be a whole number' })
  @Min(0, { message: 'maxOverdueReminders must be between 0 and 24' })
  @Max(24, { message: 'maxOverdueReminders must be between 0 and 24' })
  maxOverdueReminders!: number;
}

export class ReminderPolicyResponse {
  @ApiProperty({ example: 'WSIS-TF' }) fund!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Step 0 is sent from this many days before the due date' })
  daysBeforeDue!: number;
  @ApiProperty({ description: 'Step 1 the day after the due date, each later step N days on' })
  overdueEveryDays!: number;
  @ApiProperty({ description: 'The last overdue step sent' })
  maxOverdueReminders!: number;
  @ApiProperty({ description: 'True when the fund has no policy of its own: the default applies' })
  isDefault!: boolean;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) updatedAt!: string | null;
}

export class RunRemindersRequest {
  @ApiPropertyOptional({
    example: '2026-06-01',
    description: 'The day to send as of (default today, UTC); a future day is refused',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export const REMINDER_DELIVERIES = [
  'pending',
  'sent',
  'failed',
  'no-mail',
  'no-recipients',
] as const;
export type ReminderDelivery = (typeof REMINDER_DELIVERIES)[number];

export class ReminderResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pledgeId!: string;
  @ApiProperty({ example: 'WSIS-TF-2026-0012' }) pledgeReference!: string;
  @ApiProperty({ description: 'The instalment number (seq)' }) instalment!: number;
  @ApiProperty({ example: '2026-06-30' }) dueDate!: string;
  @ApiProperty({ description: '0: before the due date; 1, 2…: overdue reminders' })
  step!: number;
  @ApiProperty({ type: MoneyResponse, description: 'Outstanding on the instalment when sent' })
  outstanding!: MoneyResponse;
  @ApiProperty({ example: 'fr' }) language!: string;
  @ApiProperty({ example: '2026-06-01' }) sentOn!: string;
  @ApiProperty() sentAt!: string;
  @ApiProperty({ type: [String], description: 'Empty when no e-mail was sent' })
  recipients!: string[];
  @ApiProperty({
    enum: REMINDER_DELIVERIES,
    description:
      'sent; failed (see deliveryError); pending (committed, sending, or interrupted); ' +
      'no-mail (mail not configured: recorded only); no-recipients (no contact receives statements)',
  })
  delivery!: ReminderDelivery;
  @ApiProperty({ nullable: true, type: String }) deliveryError!: string | null;
}

export class ReminderRunFailure {
  @ApiProperty() pledgeId!: string;
  @ApiProperty() pledgeReference!: string;
  @ApiProperty() reason!: string;
}

export class RunRemindersResponse {
  @ApiProperty({ example: '2026-06-01' }) date!: string;
  @ApiProperty({ type: [ReminderResponse], description: 'The reminders this run sent' })
  sent!: ReminderResponse[];
  @ApiProperty({
    type: [ReminderRunFailure],
    description: 'Pledges whose reminders could not be decided (nothing recorded for them)',
  })
  failures!: ReminderRunFailure[];
}
