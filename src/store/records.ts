/**
 * What the browser's IndexedDB (db.ts) holds, record by record. Nothing secret: no PIN, PUK, activation
 * PIN or TAP code; keys only as non-extractable CryptoKeys.
 */
/** A saved connection's settings, keyed by connection id (e.g. `'entra'`, `'relay'`). */
export interface ConnectionRecord {
  readonly id: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
}

/** Who did what to whom, and how it ended. Never a PIN, PUK, TAP code or key: TAP ids only. */
export interface AuditRecord {
  /** Assigned by IndexedDB on insert. */
  readonly seq?: number;
  readonly at: string;
  readonly actor: { readonly oid: string; readonly name: string; readonly upn: string };
  readonly action: string;
  readonly target?: { readonly userId: string; readonly upn?: string; readonly displayName?: string };
  readonly tapId?: string;
  readonly outcome: 'success' | 'failure';
  /** An error code or a short secret-free note. */
  readonly detail?: string;
}

/**
 * A data-export email template (Options > Connections > Data Export): `${Variable}` placeholders in
 * To, Cc, Subject and the bodies (src/mail/template.ts). The rendered message is sent by the relay.
 */
export interface ExportTemplateRecord {
  readonly id: string;
  readonly name: string;
  readonly target: 'email';
  /** Send without asking the operator when the workflow reaches this export. */
  readonly sendAutomatically: boolean;
  /** The SMTP connector: the relay configured under Options > Connections. */
  readonly connector: 'relay';
  readonly to: string;
  readonly cc: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly updatedAt: string;
}

/** Credential lifecycle states (DESIGN.md, "The card model"). */
export type CardState = 'blank' | 'issued' | 'active' | 'locked' | 'retired';

/**
 * A credential (card) template: the sections of vSEC:CMS's card template (DESIGN.md, "The workflow being
 * reproduced", step 2). Template ids of data-export emails refer to `exportTemplates`.
 */
export interface CardTemplateRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** General: credential types this template may be applied to. */
  readonly allowedCredentialTypes: readonly ('yubikey' | 'piv')[];
  /** Issue Card. */
  readonly issue: {
    readonly assignUser: boolean;
    readonly pinPolicy: { readonly minLength: number; readonly maxLength: number; readonly digitsOnly: boolean };
    /** How the random activation PIN reaches the holder. */
    readonly activationPin:
      { readonly delivery: 'show' } | { readonly delivery: 'email'; readonly exportTemplateId: string };
    /** Enroll certificate options; null = no key or CSR at issuance. */
    readonly certificate: null | {
      readonly slot: '9a' | '9c' | '9d' | '9e';
      readonly algorithm: 'ECCP256' | 'ECCP384' | 'RSA2048';
      readonly subject: string;
      readonly upnSan: string;
    };
    /**
     * The holder may unblock their PIN on the self-service page. Issuance then also generates a Card
     * Authentication key (9E, usable without the PIN) and records its public key, which proves the card
     * to the relay. Absent in templates saved before this option: off.
     */
    readonly selfServiceUnblock?: boolean;
  };
  /** Entra ID TAP Code. */
  readonly tap: {
    readonly enabled: boolean;
    readonly userMayRequest: boolean;
    readonly forceAuthentication: boolean;
    readonly forceAuthenticationDeliverTemplateId: string | null;
    readonly operatorMayGenerate: boolean;
    readonly showCode: boolean;
    readonly operatorDeliverTemplateId: string | null;
    /** Override of the lifetime defined in Entra ID; null = the tenant policy's default. */
    readonly lifetimeOverrideMinutes: number | null;
    readonly usableOnce: boolean;
  };
  /** Initiate Card: when the holder sets the PIN, the system creates a TAP and sends these exports. */
  readonly initiate: { readonly systemGeneratesTap: boolean; readonly exportTemplateIds: readonly string[] };
  readonly updatedAt: string;
}

/** The credential registry: which card belongs to whom, under which template, in which state. */
export interface RegistryRecord {
  /** `serial:<n>` for cards with a serial, else `chuid:<FASC-N hex>` from the CHUID (SP 800-73-4 Part 1 §3.1.2). */
  readonly cardId: string;
  readonly serial: number | null;
  readonly credentialType: string;
  readonly userId: string | null;
  readonly userUpn: string | null;
  readonly userDisplayName: string | null;
  readonly templateId: string | null;
  readonly state: CardState;
  readonly issuedAt: string | null;
  readonly activatedAt: string | null;
  readonly retiredAt: string | null;
  /** Set when an operator reported the card lost or stolen (retired without the card); absent otherwise. */
  readonly lostAt?: string;
  readonly updatedAt: string;
}

/** One journal line: written before and after each card step, so an interrupted run resumes or rolls back. */
export interface JournalRecord {
  readonly seq?: number;
  readonly cardId: string;
  /** One run of a lifecycle operation; all its lines share it. */
  readonly runId: string;
  readonly operation: 'issue' | 'activate' | 'unblock' | 'retire';
  readonly step: string;
  readonly phase: 'before' | 'after' | 'done' | 'rolled-back';
  readonly at: string;
  /** Secret-free facts the resume needs (e.g. the user id bound, the management-key algorithm). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * The card master key (DESIGN.md, "Admin secrets"): a non-extractable HKDF CryptoKey (IndexedDB keeps
 * CryptoKeys by structured clone without exposing their bytes), plus the passphrase-protected key file it
 * was made from or imported with (PBKDF2 + AES-GCM), so the file can be exported again without the key.
 */
export interface MasterKeyRecord {
  readonly id: 'card-master-key';
  readonly key: CryptoKey;
  readonly keyFile: string;
  readonly fingerprint: string;
  readonly createdAt: string;
}

/**
 * The pairing with the local PC/SC bridge at one address: a non-extractable HMAC-SHA-256 CryptoKey (the
 * 256-bit key agreed with CPace, src/transport/pcsc-bridge-handshake.ts). IndexedDB keeps it by structured
 * clone; script can use it to prove the pairing but never read its bytes.
 */
export interface BridgePairingRecord {
  readonly bridgeUrl: string;
  readonly key: CryptoKey;
  readonly pairedAt: string;
}

/**
 * How the relay published a template (src/relay-api/contract.ts `PublishedTemplate`): the newest version
 * this browser has seen, who published it and when, and whether it was withdrawn since.
 */
export interface Publication {
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: { readonly oid: string; readonly name: string };
  readonly withdrawn: boolean;
}

/**
 * A template as this browser keeps it: the record, plus its publication once it came from the relay.
 * A record without one was written by an older Keyward in this browser only (uploaded once by an
 * administrator, src/workflows/legacy-upload.ts) and is never used for new work.
 */
export type StoredTemplate<T> = T & { readonly publication?: Publication };

/** Something this browser did once and must not do again (e.g. the legacy upload). */
export interface MarkerRecord {
  readonly id: string;
  readonly at: string;
}
