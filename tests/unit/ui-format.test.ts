import { describe, expect, it } from 'vitest';
import { firstSentence, formatBytes, formatCost, formatDateTime, formatDeadline, telHref } from '../../src/apps/citizen/ui/format.ts';

describe('pt-BR formatting for the service page', () => {
  it('writes dates in Bahia time (UTC−3)', () => {
    expect(formatDateTime('2026-11-21T02:30:00Z')).toBe('20/11/2026 às 23:30');
    expect(formatDateTime('2026-01-05T15:04:00.000Z')).toBe('05/01/2026 às 12:04');
    expect(formatDateTime(undefined)).toBe('nunca');
  });

  it('says deadlines in plain words', () => {
    expect(formatDeadline({ max: 15, unit: 'business_days' })).toBe('Até 15 dias úteis');
    expect(formatDeadline({ max: 1, unit: 'hours' })).toBe('Até 1 hora');
    expect(formatDeadline({ min: 2, max: 5, unit: 'calendar_days' })).toBe('De 2 a 5 dias');
    expect(formatDeadline({ min: 0, max: 3, unit: 'months' })).toBe('Até 3 meses');
  });

  it('says what a service costs', () => {
    expect(formatCost({ free: true })).toBe('Gratuito');
    expect(formatCost({ free: false, amount: 12.5 }).replace(/\s/g, ' ')).toBe('R$ 12,50');
    expect(formatCost({ free: false, description: 'Depende do imóvel.' })).toBe('Depende do imóvel.');
  });

  it('says "Gratuito" once, also when the description already says it', () => {
    expect(formatCost({ free: true, description: 'Gratuito, pelo SUS.' })).toBe('Gratuito, pelo SUS.');
    expect(formatCost({ free: true, description: 'O pedido é gratuito. A obra é paga pela Prefeitura.' })).toBe('O pedido é gratuito. A obra é paga pela Prefeitura.');
    expect(formatCost({ free: true, description: 'A coleta é paga pela taxa do IPTU.' })).toBe('Gratuito. A coleta é paga pela taxa do IPTU.');
  });

  it('cuts a summary at the first sentence, not inside an amount', () => {
    expect(firstSentence('Taxa de R$ 1.200,00 por ano. Microempreendedor é isento.')).toBe('Taxa de R$ 1.200,00 por ano.');
    expect(firstSentence('R$ 15,00. Primeira via gratuita.')).toBe('R$ 15,00.');
    expect(firstSentence('Gratuito até 3 m³ por imóvel')).toBe('Gratuito até 3 m³ por imóvel');
  });

  it('makes phone numbers dialable and sizes readable', () => {
    expect(telHref('(77) 3424-8500')).toBe('tel:+557734248500');
    expect(telHref('162')).toBe('tel:162');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(600 * 1024)).toBe('600 KB');
  });
});
