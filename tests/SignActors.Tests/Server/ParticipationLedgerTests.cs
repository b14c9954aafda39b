using SignActors.Server.Rounds;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>Planned against actual participation, on hand-made rounds.</summary>
public class ParticipationLedgerTests
{
    static NodeInRound Present => new(true, false, true, true, true, false);

    [Fact]
    public void An_absence_is_the_plans_when_the_plan_explains_it_and_unplanned_otherwise()
    {
        var waitAll = new ParticipationLedger(4, deadline: false, new HashSet<int>());
        var deadline = new ParticipationLedger(4, deadline: true, new HashSet<int>());
        Assert.Null(waitAll.Classify(Present));
        Assert.Equal(Absence.Crashed, waitAll.Classify(new(false, true, true, false, true, false)));         // a configured crash, whatever else
        Assert.Equal(Absence.NotDrawn, waitAll.Classify(new(false, false, false, false, true, false)));     // not drawn, even if its host is gone
        Assert.Equal(Absence.VoteDropped, deadline.Classify(new(false, false, true, true, true, true)));
        Assert.Equal(Absence.HostLost, waitAll.Classify(new(false, false, true, false, true, false)));
        Assert.Equal(Absence.NeverRegistered, waitAll.Classify(new(false, false, true, false, false, false)));
        Assert.Equal(Absence.DeadlineMissed, deadline.Classify(new(false, false, true, true, true, false)));
        Assert.Equal(Absence.Rejoining, waitAll.Classify(new(false, false, true, true, true, false)));
        Assert.Equal(Absence.HostLost, deadline.Classify(new(false, false, true, true, true, false, Reachable: false))); // not a straggler: its host is unreachable
        Assert.Equal(Absence.Rejoining, deadline.Classify(new(false, false, true, true, true, false, Rejoining: true)));  // a replacement catching up: not a straggler either
        Assert.True(ParticipationLedger.IsPlanned(Absence.DeadlineMissed));
        Assert.False(ParticipationLedger.IsPlanned(Absence.HostLost));
    }

    [Fact]
    public void A_run_that_lost_a_host_is_degraded_with_its_nodes_and_rounds_and_one_that_kept_to_the_plan_is_not()
    {
        // 10 rounds of 4 nodes; node 3 Byzantine; node 2 crashes (planned) in rounds 3–4; the host of
        // nodes 0 and 1 is lost after round 6 and they are absent in rounds 7–10.
        var ledger = new ParticipationLedger(4, deadline: false, new HashSet<int> { 3 });
        for (long t = 1; t <= 10; t++)
        {
            long round = t;
            if (t == 7) ledger.Note("host 127.0.0.1:37291 downed at round 7");
            ledger.Close(t, j => j switch
            {
                0 or 1 when round >= 7 => new NodeInRound(false, false, true, false, true, false),
                2 when round is 3 or 4 => new NodeInRound(false, true, true, false, true, false),
                _ => Present,
            });
        }
        Assert.True(ledger.Degraded);
        Assert.Equal((6L, 4L), (ledger.Present(0), ledger.Absent(0, Absence.HostLost)));
        Assert.Equal((8L, 2L, 0L), (ledger.Present(2), ledger.Absent(2, Absence.Crashed), ledger.Unplanned(2)));
        Assert.Equal("participation: degraded: nodes 0, 1 absent for 4 of 10 rounds from round 7, unplanned (host 127.0.0.1:37291 downed at round 7)", ledger.Summary());
        Assert.Equal(
            "node,present,byzantine,crashed,not_drawn,deadline_missed,host_lost,never_registered,vote_dropped,rejoining\n"
            + "0,6,0,0,0,0,4,0,0,0\n1,6,0,0,0,0,4,0,0,0\n2,8,0,2,0,0,0,0,0,0\n3,10,1,0,0,0,0,0,0,0\n", ledger.Csv());

        var planned = new ParticipationLedger(2, deadline: true, new HashSet<int>());
        planned.Close(1, j => j == 0 ? Present : new NodeInRound(false, false, true, true, true, false)); // a deadline miss
        planned.Close(2, j => j == 0 ? new NodeInRound(false, false, false, true, true, false) : Present); // not drawn
        Assert.False(planned.Degraded);
        Assert.Equal("participation: as planned", planned.Summary());
    }

    [Fact]
    public void Deadline_misses_that_end_in_the_loss_of_the_host_count_as_the_loss_and_a_stragglers_do_not()
    {
        // Under a deadline, 12 rounds of 3 nodes. Node 0's host dies during round 4: it misses rounds
        // 4–6 (the failure detector has not noticed), is unreachable in 7–8, downed from 9 on. Node 1
        // straggles in rounds 2–3 and votes again in 4; it is not drawn in round 5. Node 2 misses
        // rounds 10–11, is not drawn in 12: still a straggler, as far as anyone knows.
        var ledger = new ParticipationLedger(3, deadline: true, new HashSet<int>());
        var miss = new NodeInRound(false, false, true, true, true, false);
        for (long t = 1; t <= 12; t++)
        {
            long round = t;
            ledger.Close(t, j => (j, round) switch
            {
                (0, >= 9) => new NodeInRound(false, false, true, false, true, false),
                (0, >= 7) => miss with { Reachable = false },
                (0, >= 4) => miss,
                (1, 2 or 3) => miss,
                (1, 5) => miss with { Drawn = false },
                (2, 10 or 11) => miss,
                (2, 12) => miss with { Drawn = false },
                _ => ParticipationLedger.Voted,
            });
        }
        Assert.Equal((3L, 9L, 0L), (ledger.Present(0), ledger.Absent(0, Absence.HostLost), ledger.Absent(0, Absence.DeadlineMissed)));
        Assert.Equal((9L, 2L, 1L, 0L), (ledger.Present(1), ledger.Absent(1, Absence.DeadlineMissed), ledger.Absent(1, Absence.NotDrawn), ledger.Unplanned(1)));
        Assert.Equal((9L, 2L, 0L), (ledger.Present(2), ledger.Absent(2, Absence.DeadlineMissed), ledger.Unplanned(2)));
        Assert.Equal("participation: degraded: node 0 absent for 9 of 12 rounds from round 4, unplanned (host lost)", ledger.Summary());
    }
}
