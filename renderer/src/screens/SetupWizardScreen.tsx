// First run (nobody has an account on this database yet): set up for real, or load demo data.
import { Button, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthLayout } from '../components/AuthLayout';
import { CreateAccountForm } from '../components/CreateAccountForm';
import type { RouterOutputs } from '../lib/me';
import { navigate } from '../lib/useHashRoute';
import { ChoosePathStep } from './setup/ChoosePathStep';
import { useTRPC } from '../trpc';

export type DemoData = RouterOutputs['setup']['loadDemoData'];

export function SetupWizardScreen({ onDemoLoaded }: { onDemoLoaded: (demo: DemoData) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<'choose' | 'organization'>('choose');

  const loadDemo = useMutation(trpc.setup.loadDemoData.mutationOptions({ onSuccess: onDemoLoaded }));
  const complete = useMutation(
    trpc.setup.completeFirstRun.mutationOptions({
      onSuccess: async () => {
        navigate('dashboard', { replace: true });
        await queryClient.invalidateQueries();
      },
    }),
  );

  if (step === 'organization') {
    return (
      <AuthLayout title="Set up your organization" subtitle="You will be its owner and this installation's super admin. You can invite your team next.">
        <CreateAccountForm submitLabel="Create organization" onSubmit={(values) => complete.mutate(values)} pending={complete.isPending} error={complete.error} clearError={complete.reset} />
        <Group justify="center" mt="md">
          <Button variant="subtle" color="gray" size="sm" leftSection={<IconArrowLeft size={16} />} onClick={() => setStep('choose')} disabled={complete.isPending}>
            Back
          </Button>
        </Group>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout width={680} title="Welcome to Meterdesk" subtitle="Nobody uses this console yet. How would you like to start?">
      <ChoosePathStep onSetUp={() => setStep('organization')} onDemo={() => loadDemo.mutate()} demoPending={loadDemo.isPending} demoError={loadDemo.error} />
    </AuthLayout>
  );
}
