/** Documented CDR examples (chime-formats.md §2), shared by the cdr tests. */

/** The Voice Connector example of the current admin guide. */
export const VC_DOC_EXAMPLE = {
  AwsAccountId: '111122223333',
  TransactionId: '123abc4d-efg5-6789-h012-j3456789k012',
  CallId: '123a4b567890123c456789012d3456e7@203.0.113.9:8080',
  VoiceConnectorId: 'abcdef1ghij2klmno3pqr4',
  Status: 'Completed',
  StatusMessage: 'OK',
  SipAuthUser: 'XXXX',
  BillableDurationSeconds: 6,
  BillableDurationMinutes: 0.1,
  SchemaVersion: '2.0',
  SourcePhoneNumber: '+12065550100',
  SourcePhoneNumberName: 'North Campus Reception',
  SourceCountry: 'US',
  DestinationPhoneNumber: '+12065550101',
  DestinationPhoneNumberName: 'South Campus Reception',
  DestinationCountry: 'US',
  UsageType: 'USE1-US-US-outbound-minutes',
  ServiceCode: 'AmazonChimeVoiceConnector',
  Direction: 'Outbound',
  StartTimeEpochSeconds: 1565399625,
  EndTimeEpochSeconds: 1565399629,
  Region: 'us-east-1',
  Streaming: true,
};

/** `cdr_sample_2` of aws-samples/amazon-chime-voice-connector-automated-reports, verbatim. */
export const VC_SAMPLE_2_TEXT =
  '{"AwsAccountId":"999999999999","TransactionId":"ac42568d-dd5b-4b3b-b1e6-bff0203ed124","CallId":"5ce6eb23-accf-4326-927d-5267fb9bdc11","VoiceConnectorId":"1111111111","Status":"Completed","StatusMessage":"Normal Call Clearing","BillableDurationSeconds":30,"BillableDurationMinutes":0.5,"SchemaVersion":"2.0","SourcePhoneNumber":"+12222222222","SourceCountry":"US","DestinationPhoneNumber":"+122222345","DestinationCountry":"US","UsageType":"USW2-US-US-outbound-minutes","ServiceCode":"AmazonChimeVoiceConnector","Direction":"Outbound","StartTimeEpochSeconds":1602100483,"EndTimeEpochSeconds":1602100513,"Region":"us-west-2","Streaming":false,"IsProxyCall":false}';

/** The Business Calling example of the archived admin guide (numbers as strings). */
export const BC_DOC_EXAMPLE = {
  SchemaVersion: '2.0',
  CdrId: '1a234567-89bc-01d2-3456-e78f9g01234h',
  ServiceCode: 'AmazonChimeBusinessCalling',
  ChimeAccountId: '12a3456b-7c89-012d-3456-78901e23fg45',
  AwsAccountId: '111122223333',
  ConferenceId: '123a4567-b890-1234-5678-cd90efgh1234',
  ConferencePin: 'XXXXXXXXXX',
  OrganizerUserId: '1ab2345c-67de-8901-f23g-45h678901j2k',
  OrganizerEmail: 'jdoe@example.com',
  CallerPhoneNumber: '+12065550100',
  CallerCountry: 'US',
  DestinationPhoneNumber: '+12065550101',
  DestinationCountry: 'US',
  ConferenceStartTimeEpochSeconds: '1556009595',
  ConferenceEndTimeEpochSeconds: '1556009623',
  StartTimeEpochSeconds: '1556009611',
  EndTimeEpochSeconds: '1556009623',
  BillableDurationSeconds: '24',
  BillableDurationMinutes: '.4',
  Direction: 'Outbound',
};

/** The streaming detail record (SDR) example: ServiceCode AmazonChime, no minutes. */
export const SDR_DOC_EXAMPLE = {
  SchemaVersion: '1.0',
  AwsAccountId: '111122223333',
  TransactionId: '123abc4d-efg5-6789-h012-j3456789k012',
  CallId: '123a4b567890123c456789012d3456e7@203.0.113.9:8080',
  VoiceConnectorId: 'abcdef1ghij2klmno3pqr4',
  StartTimeEpochSeconds: 1565399625,
  EndTimeEpochSeconds: 1565399629,
  Status: 'Completed',
  StatusMessage: 'Streaming succeeded',
  ServiceCode: 'AmazonChime',
  UsageType: 'USE1-VC-kinesis-audio-streaming',
  BillableDurationSeconds: 6,
  Region: 'us-east-1',
};

/** UTF-8 bytes of a value's JSON. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** UTF-8 bytes of a text. */
export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
