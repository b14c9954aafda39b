using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Hosting;
using SignActors.Host.Cluster;
using SignActors.Host.Federation;
using SignActors.Host.Hosting;
using SignActors.Messages.Protocol;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Akka.Remote silently drops a message over maximum-frame-size; the cluster config sizes frames
/// and socket buffers from d. This sends a resnet50-sized ModelSnapshot (23.7 M floats, 95 MB)
/// between two ActorSystems over loopback TCP with that config.
/// </summary>
[Collection("alone")]
public class LargeSnapshotTests
{
    const int ResNet50 = 23_705_252;

    /// <summary>A remoting-only host with the transport the cluster hosts use (frames and buffers sized from d).</summary>
    static ActorSystemHost Host(int port) =>
        ActorSystemHost.Start(ClusterSettings.SystemName, InProcessFederation.AkkaConfig(new SignActors.Host.Configuration.HostSettings(1, "warning")), null,
            Akka.Event.LogLevel.WarningLevel, akka => akka.WithRemoting(new ClusterSettings("127.0.0.1", port, [], 2000).Remoting(ResNet50)), (_, _) => { }, null, null);

    [Fact]
    public async Task A_resnet50_snapshot_crosses_the_remote_transport_whole()
    {
        int a = Loopback.FreePort(), b = Loopback.FreePort();
        using var senderHost = Host(a);
        using var receiverHost = Host(b);
        var (sender, receiver) = (senderHost.System, receiverHost.System);
        var received = new TaskCompletionSource<ModelSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.ActorOf(Akka.Actor.Props.Create(() => new SnapshotSink(received)), "sink");
        var parameters = new float[ResNet50];
        for (int k = 0; k < parameters.Length; k += 4099) parameters[k] = k * 0.5f;
        parameters[^1] = -3.25f;
        var target = await sender.ActorSelection($"akka.tcp://signactors@127.0.0.1:{b}/user/sink").ResolveOne(TimeSpan.FromSeconds(20));
        target.Tell(new ModelSnapshot(41, parameters, null));
        var snapshot = await received.Task.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(41, snapshot.Round);
        Assert.Equal(parameters.Length, snapshot.Parameters.Length);
        Assert.True(parameters.AsSpan().SequenceEqual(snapshot.Parameters));
    }

    sealed class SnapshotSink : ReceiveActor
    {
        public SnapshotSink(TaskCompletionSource<ModelSnapshot> received) => Receive<ModelSnapshot>(s => received.TrySetResult(s));
    }
}
