// Which KVM: the host code paths of arch/x86/kvm that change what a guest's page-table writes, invlpg and CR writes
// cost, by release (shared/reference/sources-mm.md §2). One run follows one version's code, never a mixture.
/** Host KVM releases whose shadow-paging code paths kmemsim models (arch/x86/kvm, 2.6.27 to 2.6.31). */
export const KVM_VERSIONS = ['2.6.27', '2.6.28', '2.6.29', '2.6.30', '2.6.31'] as const;
/** One of {@link KVM_VERSIONS}. */
export type KvmVersion = (typeof KVM_VERSIONS)[number];

/** The version the seed 000 host ran (June 2009): 2.6.29, the newest release before the posting (Fedora 11's). */
export const DEFAULT_KVM: KvmVersion = '2.6.29';

/** The shadow-paging rules of one KVM release that change exit counts (which code paths exist in that version). */
export interface KvmRules {
  /** The KVM version these rules are of (`2.6.27`, `2.6.29`, …). */
  version: KvmVersion;
  /**
   * Out-of-sync shadow pages (oos_shadow, 2.6.28+): the first write to a write-protected last-level guest table
   * unsyncs it (one #PF exit, no emulation, kvm_unsync_page); later writes do not exit; the table is resynced
   * (kvm_sync_page) at the next root reload (CR3/CR4 write). ≤ 2.6.27: every write exits and is emulated.
   */
  unsync: boolean;
  /**
   * 2.6.30+: CR4.PGE is part of the shadow page role, so a PGE toggle switches to another set of shadow pages:
   * the guest's first fetch after the PGE-off write faults into it (one more #PF exit per toggle pair).
   */
  pgeInRole: boolean;
  /** 2.6.30+: FNAME(invlpg) calls kvm_flush_remote_tlbs when it zapped a present spte. 2.6.29: local only. */
  invlpgRemoteFlush: boolean;
}

/**
 * The rules of a KVM release (default 2.6.29): unsync from 2.6.28, PGE in the shadow role and remote flush on
 * invlpg from 2.6.30.
 */
export function kvmRules(version: KvmVersion = DEFAULT_KVM): KvmRules {
  const n = Number(version.split('.')[2]);
  return { version, unsync: n >= 28, pgeInRole: n >= 30, invlpgRemoteFlush: n >= 30 };
}
