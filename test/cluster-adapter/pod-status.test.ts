import { describe, expect, it } from 'vitest';
import { podFailure, podIsRunning, podStateSummary } from '../../src/cluster/pod-status.js';
import * as pods from './fixtures/pods.js';

describe('podFailure', () => {
  it.each([
    ['ErrImagePull', pods.errImagePullPod, 'ErrImagePull', ['docker.io/library/busybox:9.9.9', 'not found']],
    ['ImagePullBackOff', pods.imagePullBackOffPod, 'ImagePullBackOff', ['docker.io/library/busybox:9.9.9', 'Back-off']],
    ['InvalidImageName', pods.invalidImagePod, 'InvalidImageName', ['"Busybox::latest"']],
    ['CreateContainerConfigError', pods.createContainerConfigErrorPod, 'CreateContainerConfigError', ['runAsNonRoot']],
    ['Unschedulable', pods.unschedulablePod, 'Unschedulable', ['0/1 nodes are available']],
    ['phase Failed', pods.failedPod, 'DeadlineExceeded', ['Failed', 'longer than the specified deadline', 'exit 137']],
    ['phase Succeeded', pods.succeededPod, 'Succeeded', ['Succeeded', 'Completed']],
    ['terminating', pods.terminatingPod, 'Deleted', ['being deleted']],
  ] as const)('%s → reason %s with the kubelet message', (_name, pod, reason, fragments) => {
    const failure = podFailure(pod);
    expect(failure?.reason, 'failure reason').toBe(reason);
    for (const fragment of fragments) expect(failure?.message).toContain(fragment);
  });

  it.each([
    ['running', pods.runningPod],
    ['container creating', pods.containerCreatingPod],
    ['not yet scheduled, no conditions', pods.unscheduledYetPod],
  ] as const)('%s → still may start', (_name, pod) => {
    expect(podFailure(pod)).toBeUndefined();
  });
});

describe('podIsRunning', () => {
  it('needs phase Running, an IP and every container running', () => {
    expect(podIsRunning(pods.runningPod)).toBe(true);
    expect(podIsRunning(pods.containerCreatingPod)).toBe(false);
    expect(podIsRunning({ ...pods.runningPod, status: { ...pods.runningPod.status, podIP: undefined } })).toBe(false);
    expect(
      podIsRunning({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ name: 'a', state: { running: {} } }] },
      }),
    ).toBe(false);
  });
});

describe('podStateSummary', () => {
  it('prefers the waiting reason over the phase', () => {
    expect(podStateSummary(pods.containerCreatingPod)).toBe('ContainerCreating');
    expect(podStateSummary(pods.unscheduledYetPod)).toBe('Pending');
    expect(podStateSummary(pods.runningPod)).toBe('Running');
  });
});
