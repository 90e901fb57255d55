import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { LANGUAGES, changeLanguage, isLanguage } from '@/lib/i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('layout.language')}
      value={isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en'}
      onChange={(value) => {
        if (isLanguage(value)) void changeLanguage(value);
      }}
      data={LANGUAGES.map((language) => ({
        value: language,
        label: <span lang={language}>{t(`languages.${language}`)}</span>,
      }))}
    />
  );
}
