using Akka.Actor;
using Akka.Event;

namespace SignActors.Messages.Transport;

/// <summary>Local → this host's link: send <paramref name="Message"/> to <paramref name="Target"/> on another host, from the Post's sender.</summary>
public sealed record Post(IActorRef Target, object Message) : INoSerializationVerificationNeeded;

/// <summary>
/// A host link's sizes: chunks of <paramref name="ChunkBytes"/>, at most <paramref name="Window"/>
/// of them unacknowledged per remote host, so at most ChunkBytes × Window bytes of a large message
/// wait on the TCP connection ahead of a heartbeat.
/// </summary>
public sealed record LinkSettings(int ChunkBytes, int Window)
{
    public const int MinChunkBytes = 4096;

    /// <summary>reference.conf's sizes.</summary>
    public static readonly LinkSettings Reference = new(262_144, 4);

    /// <summary>Whether a transfer's announced length fits its chunk count at this host's chunk size (every host must use the same).</summary>
    public bool Fits(LinkHeader header, int count) => header.Length <= (long)count * ChunkBytes && header.Length > (long)(count - 1) * ChunkBytes || count == 1 && header.Length == 0;

    /// <summary>The largest Akka frame a chunk needs: its bytes, the header's paths and manifest, and the envelope.</summary>
    public long FrameBytes => ChunkBytes + 64 * 1024L;
}

/// <summary>
/// Every cluster host's <c>/user/link</c>: the one way protocol messages cross between hosts.
/// Akka.NET 1.5 keeps one TCP connection per pair of hosts, so a 45 MB message ahead of a
/// heartbeat delays it by the time 45 MB take on the wire; here a message travels as chunks, at
/// most <see cref="LinkSettings.Window"/> of them unacknowledged, and heartbeats pass between them.
/// Each remote host has its own outbound queue (<see cref="LinkTo"/>, in order: everything a host
/// sends another keeps its order); inbound chunks are put back together per sending link and the
/// message is delivered to its target as if its sender had sent it. Small messages take the same
/// way (one chunk) so that they never overtake a large one.
/// </summary>
public sealed class HostLink : ReceiveActor
{
    public const string Name = "link", Dispatcher = "signactors-dispatchers.link";

    readonly LinkSettings _settings;
    readonly Dictionary<Address, IActorRef> _outbound = new();
    readonly Dictionary<IActorRef, (long Transfer, Reassembly Message)> _inbound = new(); // the open transfer of each sending link: they send in turn
    readonly ILoggingAdapter _log = Context.GetLogger();

    public static Props Props(LinkSettings settings) => Akka.Actor.Props.Create(() => new HostLink(settings)).WithDispatcher(Dispatcher);

    public HostLink(LinkSettings settings)
    {
        _settings = settings;
        Receive<Post>(p => OutboundTo(p.Target.Path.Address).Forward(p));
        Receive<LinkChunk>(Inbound);
        Receive<Terminated>(t =>
        {
            foreach (var gone in _outbound.Where(o => o.Value.Equals(t.ActorRef)).Select(o => o.Key).ToArray()) _outbound.Remove(gone);
            _inbound.Remove(t.ActorRef);
        });
    }

    IActorRef OutboundTo(Address host)
    {
        if (_outbound.TryGetValue(host, out var link)) return link;
        link = Context.ActorOf(Akka.Actor.Props.Create(() => new LinkTo(host, _settings)).WithDispatcher(Dispatcher), $"to-{Uri.EscapeDataString($"{host.Host}:{host.Port}")}");
        Context.Watch(link);
        return _outbound[host] = link;
    }

    void Inbound(LinkChunk chunk)
    {
        Sender.Tell(new LinkAck(chunk.Transfer, chunk.Index));
        if (chunk.Header is { } header)
        {
            _inbound.Remove(Sender); // an unfinished earlier transfer was given up by its sender
            if (!_settings.Fits(header, chunk.Count))
            {
                _log.Warning("link: dropped transfer {0} from {1}: {2} bytes in {3} chunks of at most {4} (is cluster.link.chunk-bytes the same on every host?)",
                    chunk.Transfer, Sender.Path.Address, header.Length, chunk.Count, _settings.ChunkBytes);
                return;
            }
            Context.Watch(Sender); // its chunks are dropped with it when its host is gone
            _inbound[Sender] = (chunk.Transfer, new Reassembly(header, chunk.Count));
        }
        if (!_inbound.TryGetValue(Sender, out var open) || open.Transfer != chunk.Transfer)
        {
            _log.Warning("link: dropped chunk {0} of transfer {1} from {2}: its transfer did not start", chunk.Index, chunk.Transfer, Sender.Path.Address);
            return;
        }
        if (open.Message.Append(chunk.Index, chunk.Bytes) is { } problem)
        {
            _log.Warning("link: dropped transfer {0} from {1}: {2}", chunk.Transfer, Sender.Path.Address, problem);
            _inbound.Remove(Sender);
            return;
        }
        if (!open.Message.Complete) return;
        _inbound.Remove(Sender);
        Deliver(open.Message.Header, open.Message.Bytes);
    }

    void Deliver(LinkHeader header, byte[] bytes)
    {
        var system = (ExtendedActorSystem)Context.System;
        try
        {
            var target = system.Provider.ResolveActorRef(header.Target);
            if (target is not IActorRefScope { IsLocal: true } || target.Path.Elements.FirstOrDefault() != "user")
                throw new InvalidOperationException($"{header.Target} is not an actor of this host's /user tree");
            var message = system.Serialization.Deserialize(bytes, header.SerializerId, header.Manifest);
            var sender = header.Sender is null ? ActorRefs.NoSender : system.Provider.ResolveActorRef(header.Sender);
            target.Tell(message, sender);
        }
        catch (Exception e)
        {
            _log.Warning("link: dropped a {0} for {1}: {2}", header.Manifest, header.Target, e.Message);
        }
    }

    /// <summary>
    /// The outbound queue to one remote host: one transfer at a time, its chunks sent while fewer
    /// than the window are unacknowledged. When the remote host's link is gone (the host downed),
    /// what is queued is dropped: the round protocol asks again for what it still needs.
    /// </summary>
    sealed class LinkTo : ReceiveActor
    {
        sealed class Transfer(long id, byte[] bytes, LinkHeader header, int count)
        {
            public long Id => id;
            public byte[] Bytes => bytes;
            public LinkHeader Header => header;
            public int Count => count;
            public int Sent, Acked;
        }

        readonly LinkSettings _settings;
        readonly IActorRef _remote;
        readonly Queue<(Post Post, IActorRef Sender)> _queue = new();
        readonly ILoggingAdapter _log = Context.GetLogger();
        Transfer? _current;
        long _transfers;

        public LinkTo(Address host, LinkSettings settings)
        {
            _settings = settings;
            _remote = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(new RootActorPath(host) / "user" / Name);
            Context.Watch(_remote);
            Receive<Post>(p => { _queue.Enqueue((p, Sender)); Pump(); });
            Receive<LinkAck>(a =>
            {
                if (_current is not { } t || t.Id != a.Transfer) return;
                if (++t.Acked == t.Count) _current = null;
                Pump();
            });
            Receive<Terminated>(t => t.ActorRef.Equals(_remote), _ =>
            {
                _log.Info("link: {0} is gone; dropped {1} queued message(s)", host, _queue.Count + (_current is null ? 0 : 1));
                Context.Stop(Self);
            });
        }

        void Pump()
        {
            while (_current is null)
            {
                if (!_queue.TryDequeue(out var next)) return;
                _current = Start(next.Post, next.Sender);
            }
            var t = _current;
            while (t.Sent < t.Count && t.Sent - t.Acked < _settings.Window)
            {
                var range = Chunks.Of(t.Sent, t.Bytes.Length, _settings.ChunkBytes);
                _remote.Tell(new LinkChunk(t.Id, t.Sent, t.Count, t.Sent == 0 ? t.Header : null, t.Bytes[range]));
                t.Sent++;
            }
        }

        /// <summary>The message serialized and announced; null (and a warning) when it cannot be serialized.</summary>
        Transfer? Start(Post post, IActorRef sender)
        {
            byte[] bytes;
            LinkHeader header;
            try
            {
                var serializer = Context.System.Serialization.FindSerializerFor(post.Message);
                bytes = serializer.ToBinary(post.Message);
                header = new LinkHeader(Akka.Serialization.Serialization.SerializedActorPath(post.Target),
                    sender.IsNobody() ? null : Akka.Serialization.Serialization.SerializedActorPath(sender),
                    serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, post.Message), bytes.Length);
            }
            catch (Exception e)
            {
                _log.Error("link: could not send a {0} to {1}: {2}", post.Message.GetType().Name, post.Target, e.Message);
                return null;
            }
            if (post.Message is IAnnounced announced) post.Target.Tell(announced.Announcement, sender);
            return new Transfer(++_transfers, bytes, header, Chunks.CountFor(bytes.Length, _settings.ChunkBytes));
        }
    }
}
