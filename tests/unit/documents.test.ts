import { describe, expect, it } from 'vitest';
import { isValidCep, isValidCpf, isValidEmail, isValidIsoDate, isValidPhone, formatCpf, formatPhone, formatCep } from '../../src/shared/documents.ts';

describe('documents', () => {
  it('accepts a CPF with right check digits, masked or bare', () => {
    expect(isValidCpf('529.982.247-25')).toBe(true);
    expect(isValidCpf('52998224725')).toBe(true);
  });
  it('refuses wrong check digits, repeated digits and wrong lengths', () => {
    expect(isValidCpf('529.982.247-24')).toBe(false);
    expect(isValidCpf('529.982.247-15')).toBe(false);
    expect(isValidCpf('111.111.111-11')).toBe(false);
    expect(isValidCpf('5299822472')).toBe(false);
    expect(isValidCpf('abc.def.ghi-jk')).toBe(false);
  });
  it('accepts Brazilian mobiles and landlines with area code', () => {
    expect(isValidPhone('(77) 98888-7777')).toBe(true);
    expect(isValidPhone('77 3424-8500')).toBe(true);
    expect(isValidPhone('+55 77 98888-7777')).toBe(true);
  });
  it('refuses phones without area code or with a wrong first digit', () => {
    expect(isValidPhone('98888-7777')).toBe(false);
    expect(isValidPhone('(77) 88888-7777')).toBe(false);
    expect(isValidPhone('(07) 98888-7777')).toBe(false);
  });
  it('checks CEP, e-mail and calendar dates', () => {
    expect(isValidCep('45000-000')).toBe(true);
    expect(isValidCep('4500-000')).toBe(false);
    expect(isValidEmail('maria@exemplo.com.br')).toBe(true);
    expect(isValidEmail('maria@exemplo')).toBe(false);
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2023-02-29')).toBe(false);
  });
  it('masks as the person types', () => {
    expect(formatCpf('52998224725')).toBe('529.982.247-25');
    expect(formatCpf('5299')).toBe('529.9');
    expect(formatPhone('77988887777')).toBe('(77) 98888-7777');
    expect(formatPhone('7734248500')).toBe('(77) 3424-8500');
    expect(formatCep('45000000')).toBe('45000-000');
  });
});

describe('e-mail', () => {
  it('refuses markup and odd characters in the domain', () => {
    expect(isValidEmail("maria@exemplo.com<script>alert('x')</script>")).toBe(false);
    expect(isValidEmail('maria@-exemplo.com')).toBe(false);
    expect(isValidEmail('maria.silva+pmvc@exemplo-ba.com.br')).toBe(true);
  });
});
