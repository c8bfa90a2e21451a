import type { ArchProfile } from '@kmemsim/mmu';

declare const profile: ArchProfile;
export default profile;
