import { Box, Container, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

import classes from './home.module.css';

type CallToActionProps = { title: string; body: ReactNode };

/** Closing band of the landing page, filled from the CMS ("home.cta"). */
export function CallToAction({ title, body }: CallToActionProps) {
  return (
    <Box className={classes.cta} component="section" aria-labelledby="cta-title">
      <Container size="lg" py={56}>
        <Stack gap="xs" maw={720}>
          <Title order={2} id="cta-title" c="white">
            {title}
          </Title>
          <Text component="div" size="lg" c="indigo.0">
            {body}
          </Text>
        </Stack>
      </Container>
    </Box>
  );
}
