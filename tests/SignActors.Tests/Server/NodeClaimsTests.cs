using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using SignActors.Server.Rounds;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>Node ids belong to one live host: the claim rule, and Membership applying it.</summary>
public class NodeClaimsTests : TestKit
{
    static readonly Address HostA = Address.Parse("akka.tcp://signactors@10.0.0.1:4053"), HostB = Address.Parse("akka.tcp://signactors@10.0.0.2:4053");

    [Theory]
    [InlineData(false, false, HostState.Live, ClaimVerdict.Register)]      // a free id
    [InlineData(true, true, HostState.Live, ClaimVerdict.Replace)]         // a restart on the holder's own host
    [InlineData(true, false, HostState.Live, ClaimVerdict.Refuse)]         // the take-over of a live host's id
    [InlineData(true, false, HostState.Unreachable, ClaimVerdict.Wait)]    // until the holder is downed
    [InlineData(true, false, HostState.Gone, ClaimVerdict.Replace)]        // a host that is gone gives its ids up
    public void A_claim_on_a_node_id_is_decided_by_where_its_holder_lives(bool held, bool sameHost, HostState holder, ClaimVerdict verdict) =>
        Assert.Equal(verdict, NodeClaims.Decide(HostA, held ? (sameHost ? HostA : HostB) : null, holder));

    sealed class Directory(Dictionary<Address, HostState> states) : IHostDirectory
    {
        public HostState StateOf(Address host) => states[host];
    }

    /// <summary>An actor reference that seems to live on <paramref name="host"/> (the server sees remote node actors so).</summary>
    IActorRef On(Address host, string name) => new FakeRemote(new RootActorPath(host) / "user" / "worker" / name);

    sealed class FakeRemote(ActorPath path) : MinimalActorRef
    {
        public override ActorPath Path => path;
        public override IActorRefProvider Provider => throw new NotSupportedException();
    }

    [Fact]
    public void Membership_refuses_a_live_hosts_ids_to_another_host_warns_once_and_lets_them_go_when_the_host_is_gone()
    {
        var states = new Dictionary<Address, HostState> { [HostA] = HostState.Live, [HostB] = HostState.Live };
        var members = new Membership(4);
        var hosts = new Directory(states);
        var first = On(HostA, "node-0");
        var claim = members.Admit(0, first, hosts);
        Assert.Equal((ClaimVerdict.Register, null), (claim.Verdict, claim.Replaced));

        var claimant = On(HostB, "node-0");
        var refused = members.Admit(0, claimant, hosts);
        Assert.Equal(ClaimVerdict.Refuse, refused.Verdict);
        Assert.False(refused.Admitted);
        Assert.Equal("node 0 belongs to worker host 10.0.0.1:4053, which is up and reachable", refused.Refusal);
        Assert.Equal(LogLevel.WarningLevel, refused.News!.Value.Level);
        Assert.Equal(ClaimVerdict.Register, members.Admit(1, On(HostB, "node-1"), hosts).Verdict); // a free id: any host may have it
        members.Admit(2, On(HostA, "node-2"), hosts);
        Assert.Null(members.Admit(2, On(HostB, "node-2b"), hosts).News);                  // the same claimant host is warned once
        Assert.True(members.Speaks(0, first));

        states[HostA] = HostState.Unreachable;
        var waiting = members.Admit(0, claimant, hosts);
        Assert.Equal((ClaimVerdict.Wait, null, LogLevel.InfoLevel), (waiting.Verdict, waiting.Refusal, waiting.News!.Value.Level));
        Assert.Null(members.Admit(0, claimant, hosts).News);                                // said once while it waits
        Assert.True(members.Speaks(0, first));

        states[HostA] = HostState.Gone;
        var taken = members.Admit(0, claimant, hosts);
        Assert.Equal((ClaimVerdict.Replace, first), (taken.Verdict, taken.Replaced));
        Assert.True(members.Speaks(0, claimant));

        var again = members.Admit(0, On(HostB, "node-0-again"), hosts);                    // a restart on the new holder's host
        Assert.Equal((ClaimVerdict.Replace, claimant), (again.Verdict, again.Replaced));

        var outside = members.Admit(4, On(HostA, "node-4"), hosts);
        Assert.Equal((ClaimVerdict.Refuse, "node id 4 is outside 0..3"), (outside.Verdict, outside.Refusal));
    }

    [Fact]
    public void A_node_registered_anew_by_another_actor_is_rejoining_until_it_votes()
    {
        var hosts = new Directory(new Dictionary<Address, HostState> { [HostA] = HostState.Live, [HostB] = HostState.Live });
        var members = new Membership(2);
        var first = On(HostA, "node-0");
        members.Admit(0, first, hosts);
        members.Admit(0, first, hosts);                      // the same actor again (a resent registration)
        Assert.False(members.Rejoining(0));
        members.Admit(0, On(HostA, "node-0-restarted"), hosts); // a restart replaces it
        Assert.True(members.Rejoining(0));
        members.Voted(0);
        Assert.False(members.Rejoining(0));

        var second = On(HostB, "node-1");
        members.Admit(1, second, hosts);
        members.Remove(second);                               // its host is lost…
        Assert.False(members.Rejoining(1));
        members.Admit(1, On(HostB, "node-1-back"), hosts);    // …and it comes back
        Assert.True(members.Rejoining(1));
    }
}
