// The server certificate go-plugin's client pins: self-signed ECDSA P-256 that is its own root (CA:TRUE,
// keyCertSign) and valid for the name "localhost" (SAN), with serverAuth. Terraform gets its DER in the
// handshake line and trusts nothing else.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bits, bool, explicit, octets, oid, seq, set, tlv, uint, utcTime, utf8 } from './der.js';

export interface ServerCert {
  certPem: string;
  keyPem: string;
  der: Buffer;
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

export function makeServerCert(now = new Date()): ServerCert {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = seq(
    set(seq(oid('2.5.4.10'), utf8('ironplan'))),
    set(seq(oid('2.5.4.3'), utf8('localhost'))),
  );
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = seq(
    extension('2.5.29.19', true, seq(bool(true))), // basicConstraints CA:TRUE
    extension('2.5.29.15', true, bits(Buffer.from([0x84]), 2)), // keyUsage digitalSignature | keyCertSign
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))), // serverAuth, clientAuth
    extension('2.5.29.17', false, seq(tlv(0x82, Buffer.from('localhost', 'ascii')))), // SAN dNSName
  );
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))), // v3
    uint(serial),
    ECDSA_SHA256,
    name,
    // A minute of slack either side of clock skew between terraform and the provider.
    seq(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + 365 * 24 * 3600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const b64 = der.toString('base64');
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, der };
}
