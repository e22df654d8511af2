// The top-level gate: first run → wizard; signed out → sign-in / sign-up; signed in → the console.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { FullPageError } from './components/FullPageError';
import { LoadingScreen } from './components/LoadingScreen';
import { useLaunchTokenRequired } from './lib/launchToken';
import { MeProvider } from './lib/me';
import { sessionEnded, useSessionState } from './lib/session';
import { navigate, useHashRoute } from './lib/useHashRoute';
import { DemoCredentialsScreen, firstOwnerEmail } from './screens/DemoCredentialsScreen';
import { AcceptInvitationScreen, inviteTokenOf } from './screens/invite/AcceptInvitationScreen';
import { LaunchTokenRequiredScreen } from './screens/LaunchTokenRequiredScreen';
import { ForgotPasswordScreen } from './screens/account/ForgotPasswordScreen';
import { ResetPasswordScreen, resetTokenOf } from './screens/account/ResetPasswordScreen';
import { SetupWizardScreen, type DemoData } from './screens/SetupWizardScreen';
import { SignInScreen } from './screens/SignInScreen';
import { SignUpScreen } from './screens/SignUpScreen';
import { ConsoleShell } from './shell/AppShell';
import { OfflineBanner } from './shell/OfflineBanner';
import { useTRPC } from './trpc';

export function App() {
  const launchTokenRequired = useLaunchTokenRequired();
  const { epoch } = useSessionState();
  if (launchTokenRequired) return <LaunchTokenRequiredScreen />;
  // A new epoch (sign-out, expired session) remounts everything: no state of the last user survives.
  return (
    <>
      <OfflineBanner />
      <Gate key={epoch} />
    </>
  );
}

function Gate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [route] = useHashRoute();
  const [demo, setDemo] = useState<DemoData | null>(null);
  const [signInEmail, setSignInEmail] = useState('');

  // The wizard must not vanish under the user because a refetch found the database set up.
  const status = useQuery(trpc.setup.status.queryOptions(undefined, { refetchOnWindowFocus: false }));
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { enabled: status.data?.needsSetup === false }));
  useSessionExpiryWatch(me.data);

  // Demo credentials stay up until the user has read them, whatever setup.status says meanwhile.
  if (demo) {
    return (
      <DemoCredentialsScreen
        demo={demo}
        onContinue={() => {
          setSignInEmail(firstOwnerEmail(demo));
          navigate('sign-in', { replace: true });
          setDemo(null);
          void queryClient.invalidateQueries();
        }}
      />
    );
  }
  if (status.isPending) return <LoadingScreen />;
  // Only a first load that failed shows the error page: a failed refetch (database briefly
  // unreachable) keeps the screen, and whatever is typed in it, under the offline banner.
  if (status.isError && status.data === undefined) return <FullPageError error={status.error} onRetry={() => status.refetch()} />;
  if (status.data.needsSetup) return <SetupWizardScreen onDemoLoaded={setDemo} />;
  if (me.isPending) return <LoadingScreen />;
  if (me.isError && me.data === undefined) return <FullPageError error={me.error} onRetry={() => me.refetch()} />;
  // An invitation link works signed out and signed in alike.
  const inviteToken = inviteTokenOf(route);
  if (inviteToken) return <AcceptInvitationScreen key={inviteToken} token={inviteToken} me={me.data} />;
  // A reset link works signed out and signed in alike (it ends every session when used).
  const resetToken = resetTokenOf(route);
  if (resetToken) return <ResetPasswordScreen key={resetToken} token={resetToken} />;
  if (!me.data) {
    if (route === 'forgot-password') return <ForgotPasswordScreen />;
    return route === 'sign-up' ? <SignUpScreen /> : <SignInScreen defaultEmail={signInEmail} />;
  }
  return (
    <MeProvider me={me.data}>
      <ConsoleShell />
    </MeProvider>
  );
}

/**
 * auth.me is public: an expired session makes it answer null rather than fail. A user who was signed
 * in and now is not, without having signed out (that remounts the gate), lost their session.
 */
function useSessionExpiryWatch(me: unknown) {
  const wasSignedIn = useRef(false);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (me) wasSignedIn.current = true;
    else if (me === null && wasSignedIn.current) {
      queryClient.clear();
      sessionEnded();
    }
  }, [me, queryClient]);
}
