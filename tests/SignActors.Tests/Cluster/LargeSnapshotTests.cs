using Akka.Actor;
using Akka.Configuration;
using SignActors.Host.Cluster;
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

    static ActorSystem System(int port) =>
        ActorSystem.Create(ClusterSettings.SystemName, ConfigurationFactory.ParseString("akka.actor.provider = remote")
            .WithFallback(new ClusterSettings("127.0.0.1", port, new[] { $"akka.tcp://signactors@127.0.0.1:{port}" }, 2000)
                .AkkaConfig("server", ResNet50, new SignActors.Host.Configuration.HostSettings(1, "warning"), ConfigurationFactory.Empty)));

    [Fact]
    public async Task A_resnet50_snapshot_crosses_the_remote_transport_whole()
    {
        int a = Loopback.FreePort(), b = Loopback.FreePort();
        using var sender = System(a);
        using var receiver = System(b);
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
        await Task.WhenAll(sender.Terminate(), receiver.Terminate());
    }

    sealed class SnapshotSink : ReceiveActor
    {
        public SnapshotSink(TaskCompletionSource<ModelSnapshot> received) => Receive<ModelSnapshot>(s => received.TrySetResult(s));
    }
}
