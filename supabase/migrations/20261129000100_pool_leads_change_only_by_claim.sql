-- A rep changes a team pool lead only by claiming it with next_lead(). The policy "reps update
-- their team's claimable pool" let a rep write status, callback_at and the contact details of
-- leads nobody owns: a callback in the future hid a lead from next_lead() for the whole team, and
-- status 'assigned' with no owner left it stranded. The PWA never updates a pool lead directly
-- (src/api reads leads and calls the RPCs), so the policy goes; a rep's own leads keep theirs and
-- managers keep theirs.
drop policy "reps update their team's claimable pool" on public.leads;
