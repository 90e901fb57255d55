import { Select, type SelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The seven emirates, by the codes PINT AE uses for the country subdivision (ibr-128-ae). */
export const EMIRATES = ['AUH', 'DXB', 'SHJ', 'AJM', 'UAQ', 'RAK', 'FUJ'] as const;
export type Emirate = (typeof EMIRATES)[number];

export function EmirateSelect(props: Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('fields.emirate')}
      allowDeselect={false}
      {...props}
      data={EMIRATES.map((code) => ({ value: code, label: t(`emirates.${code}`) }))}
    />
  );
}
