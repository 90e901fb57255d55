import { TextInput, type TextInputProps } from '@mantine/core';
import { type ReactNode, useState } from 'react';

export type ValidatedInputProps = Omit<TextInputProps, 'value' | 'onChange' | 'error'> & {
  value: string;
  onChange: (value: string) => void;
  /** An error from elsewhere (the API's answer) shown instead of the format check. */
  error?: ReactNode;
  /** Show the format error before the field was left (after a submit attempt). */
  showError?: boolean;
};

type Props = ValidatedInputProps & {
  /** The message for the current value, or null when it passes. */
  problem: string | null;
};

/** A text input that checks its value when the user leaves it, not on every keystroke. */
export function ValidatedTextInput({
  value,
  onChange,
  error,
  showError = false,
  problem,
  onBlur,
  required,
  ...rest
}: Props) {
  const [touched, setTouched] = useState(false);
  // Leaving a field empty is not yet a mistake: "required" waits for the submit. A value the
  // rules refuse is explained as soon as the field is left.
  const empty = value.trim() === '';
  const shown =
    error ??
    (empty ? (showError && required ? problem : null) : touched || showError ? problem : null);
  return (
    <TextInput
      {...rest}
      required={required}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      onBlur={(event) => {
        setTouched(true);
        onBlur?.(event);
      }}
      error={shown || undefined}
    />
  );
}
