using Akka.Actor;

namespace SignActors.Messages.Transport;

/// <summary>
/// How the round protocol sends: through this host's <see cref="HostLink"/> when the target lives on
/// another host and this host has a link (a cluster host), directly otherwise (one process, or an
/// actor on this host). Every protocol send goes this way, so messages between two actors keep
/// their order whatever their size.
/// </summary>
public sealed class Links : IExtension
{
    /// <summary>This host's link, once a cluster host has started it; null in one process.</summary>
    public IActorRef? Link { get; set; }

    public static Links Of(ActorSystem system) => system.WithExtension<Links, LinksProvider>();

    public void Send(IActorRef target, object message, IActorRef sender)
    {
        if (Link is { } link && target is not IActorRefScope { IsLocal: true }) link.Tell(new Post(target, message), sender);
        else target.Tell(message, sender);
    }

    sealed class LinksProvider : ExtensionIdProvider<Links>
    {
        public override Links CreateExtension(ExtendedActorSystem system) => new();
    }
}
