import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { type ReactNode, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';

import i18n from '@/lib/i18n';
import en from '@/locales/en.json';

import { EmailInput } from './email-input';
import { PasswordInput } from './password-input';
import { PhoneInput } from './phone-input';
import { TRNInput } from './trn-input';

function wrap(children: ReactNode) {
  return render(
    <I18nextProvider i18n={i18n}>
      <MantineProvider>{children}</MantineProvider>
    </I18nextProvider>,
  );
}

function Controlled({ kind }: { kind: 'email' | 'phone' | 'trn' }) {
  const [value, setValue] = useState('');
  const Input = { email: EmailInput, phone: PhoneInput, trn: TRNInput }[kind];
  return <Input value={value} onChange={setValue} required />;
}

describe('validated inputs', () => {
  it.each([
    ['trn', en.fields.trn, '1234', '100 1234 5678 9003', en.validation.trn.format],
    ['phone', en.fields.phone, '12345', '050 123 4567', en.validation.phone.format],
    ['email', en.fields.email, 'name@', 'name@company.ae', en.validation.email.format],
  ] as const)(
    '%s: explains a bad value once the field is left',
    (kind, label, bad, good, message) => {
      wrap(<Controlled kind={kind} />);
      const input = screen.getByLabelText(label, { exact: false });

      fireEvent.change(input, { target: { value: bad } });
      expect(screen.queryByText(message)).toBeNull(); // not while typing
      fireEvent.blur(input);
      expect(screen.getByText(message)).toBeDefined();

      fireEvent.change(input, { target: { value: good } });
      expect(screen.queryByText(message)).toBeNull();
    },
  );

  it('waits for the submit before calling an empty required field a mistake', () => {
    wrap(<Controlled kind="email" />);
    fireEvent.blur(screen.getByLabelText(en.fields.email, { exact: false }));
    expect(screen.queryByText(en.validation.required)).toBeNull();
  });
});

describe('PasswordInput', () => {
  function Password({ email }: { email?: string }) {
    const [value, setValue] = useState('');
    return <PasswordInput value={value} onChange={setValue} withStrength email={email} />;
  }

  it('rates the password with the API rules and lists what is missing', () => {
    wrap(<Password email="mariam@falcon.ae" />);
    const input = document.querySelector('input[type=password]') as HTMLInputElement;

    fireEvent.change(input, { target: { value: 'mariam' } });
    expect(screen.getByTestId('password-strength').textContent).toContain(
      en.password.strength.veryWeak,
    );

    fireEvent.change(input, { target: { value: 'Gulf-Ledger-2026!' } });
    expect(screen.getByTestId('password-strength').textContent).toContain(
      en.password.strength.strong,
    );
    expect(screen.getAllByText(en.password.ruleMet)).toHaveLength(6);

    // Reusing the e-mail's local part breaks the not_email rule.
    fireEvent.change(input, { target: { value: 'Mariam-Ledger-2026!' } });
    expect(screen.getAllByText(en.password.ruleUnmet)).toHaveLength(1);
  });
});
