import { z } from 'zod';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { quoted, shortId } from './rule-text.js';
import type { NeedCode } from './types.js';

// Posture family: device posture checks, including the WARP and Gateway checks the row can prove.

export const postureRules = {
  device_posture: {
    family: 'posture',
    category: 'context',
    evaluate(rule, { event, context }) {
      const postureRule = context.postureRules.find((p) => p.id === rule.integrationUid);
      const seen = context.lastSeenIdentity;
      const seenResult = seen?.devicePosture[rule.integrationUid];
      const type = (postureRule?.type ?? seenResult?.type)?.toLowerCase();
      const name = postureRule?.name ?? seenResult?.ruleName;
      const label = name ? `posture check ${quoted(name)}` : `posture check ${shortId(rule.integrationUid)}`;
      const withType = type ? { postureType: type } : {};
      if (type === 'warp') {
        return {
          verdict: event.hasWarpEnabled ? 'match' : 'no_match',
          reason: event.hasWarpEnabled
            ? 'The device was connected through WARP.'
            : `${label} requires the WARP client, and the request arrived without it (hasWarpEnabled 0).`,
          field: 'hasWarpEnabled',
          ...withType,
          ...(event.hasWarpEnabled ? {} : { cause: 'warp_required' as const }),
        };
      }
      if (type === 'gateway') {
        const why = event.hasWarpEnabled
          ? 'WARP was on (hasWarpEnabled 1) but its traffic was not filtered by this organization’s Gateway (hasGatewayEnabled 0)'
          : 'the request did not pass through Gateway (hasGatewayEnabled 0, WARP off)';
        return {
          verdict: event.hasGatewayEnabled ? 'match' : 'no_match',
          reason: event.hasGatewayEnabled
            ? 'The request passed through the organization’s Gateway.'
            : `${label} requires traffic filtered by the organization’s Gateway, and ${why}.`,
          field: 'hasGatewayEnabled',
          ...withType,
          ...(event.hasGatewayEnabled ? {} : { cause: 'gateway_required' as const }),
        };
      }
      if (!event.hasWarpEnabled && event.deviceId === '') {
        // [inferred] posture results are reported by (or matched through) the WARP client; without it
        // there is no device to check.
        return {
          verdict: 'no_match',
          reason: `${label} is reported through the WARP client, and the request arrived without WARP (hasWarpEnabled 0, no device id).`,
          field: 'hasWarpEnabled',
          ...withType,
          cause: 'warp_required',
        };
      }
      const sameDevice = !seen?.deviceId || event.deviceId === '' || seen.deviceId === event.deviceId;
      if (seenResult?.success !== undefined && sameDevice) {
        const ok = seenResult.success;
        const when = seenResult.timestamp ? ` at ${seenResult.timestamp}` : '';
        const error = seenResult.error ? ` (${seenResult.error})` : '';
        return {
          verdict: ok ? 'match' : 'no_match',
          reason: ok
            ? `The device's latest result for ${label} is a pass${when}.`
            : `The device's latest result for ${label} is a fail${when}${error}; a snapshot, not necessarily the state at the event.`,
          field: 'deviceId',
          source: 'lastSeenIdentity.devicePosture',
          ...withType,
          ...(ok ? {} : { cause: 'device_posture_failed' as const }),
        };
      }
      const needs: NeedCode[] = postureRule
        ? ['device_posture_results']
        : ['device_posture_results', 'posture_rule'];
      return {
        verdict: 'unknown',
        reason: `Requires ${label}; the login row has no posture results${event.deviceId ? ` for device ${event.deviceId}` : ''}.`,
        field: 'deviceId',
        needs,
        ...withType,
        cause: 'device_posture_unknown',
      };
    },
    describe(rule, context) {
      const posture = context.postureRules.find((p) => p.id === rule.integrationUid);
      if (posture?.type === 'warp') return 'the WARP client (posture check)';
      if (posture?.type === 'gateway') return "traffic through the organization's Gateway (posture check)";
      return posture
        ? `posture check ${quoted(posture.name)}`
        : `posture check ${shortId(rule.integrationUid)}`;
    },
    value: (rule) => rule.integrationUid,
    valueName: (rule, context) => context.postureRules.find((p) => p.id === rule.integrationUid)?.name,
    wire: wireShape(z.looseObject({ integration_uid: z.string() }), (b) => ({
      kind: 'device_posture',
      integrationUid: b.integration_uid,
    })),
  },
} satisfies Pick<RuleCatalogue, 'device_posture'>;
