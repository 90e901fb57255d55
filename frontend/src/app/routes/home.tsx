import { useTranslation } from 'react-i18next';

import { type PublicBlock, usePublicContent } from '@/features/content/api/get-public-content';
import { Announcement } from '@/features/content/components/announcement';
import { ContentHtml } from '@/features/content/components/content-html';
import { CallToAction } from '@/features/home/components/call-to-action';
import { FeatureGrid } from '@/features/home/components/feature-grid';
import { Hero } from '@/features/home/components/hero';
import { HowItWorks } from '@/features/home/components/how-it-works';

const FEATURE_PREFIX = 'home.feature.';

/** The landing page: built-in texts from i18n, replaced block by block by published CMS content. */
export function HomeRoute() {
  const { t, i18n } = useTranslation();
  const blocks: Record<string, PublicBlock> = usePublicContent(i18n.language).data?.blocks ?? {};
  const hero = blocks['home.hero'];
  const cta = blocks['home.cta'];
  const features = Object.entries(blocks)
    .filter(([key]) => key.startsWith(FEATURE_PREFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, block]) => ({
      key,
      title: block.title,
      body: <ContentHtml html={block.body_html} />,
    }));
  return (
    <>
      <title>{t('pageTitle.home')}</title>
      <Announcement block={blocks['home.announcement']} />
      <Hero
        title={hero?.title || undefined}
        body={hero?.body_html ? <ContentHtml html={hero.body_html} /> : undefined}
      />
      <FeatureGrid items={features} />
      <HowItWorks />
      {cta !== undefined && (
        <CallToAction title={cta.title} body={<ContentHtml html={cta.body_html} />} />
      )}
    </>
  );
}
