import { useNavigation } from '@/app/navigation';
import { SignedInLayout } from '@/components/layouts/signed-in-layout';

/** The signed-in shell with the navigation for the user's role. */
export function SignedInRoute() {
  return <SignedInLayout navigation={useNavigation()} />;
}
