using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Bad input for a host's Akka.Remote port, bounded in count and time, each kind from its own
/// loopback source address (so a test can count what the server says per address): random bytes,
/// truncated, oversized and garbage frames, an HTTP request, TLS clients without a certificate or
/// with a refused one, and 1,000 connections.
/// </summary>
public static class WireFuzz
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <returns>How long the fuzzing took.</returns>
    public static async Task<TimeSpan> Run(int port, IPAddress noise, IPAddress clients, X509Certificate2? refusedClientCertificate = null)
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(20261203);
        byte[] Random(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        byte[] Frame(int length, byte[] body) { var b = new byte[4 + body.Length]; BinaryPrimitives.WriteInt32LittleEndian(b, length); body.CopyTo(b, 4); return b; }

        await Send(port, noise, Random(200_000));                                        // random bytes
        await Send(port, noise, Frame(1000, Random(10)));                                // a frame cut short
        await Send(port, noise, Frame(0x7FFF_FFF0, Random(4096)));                       // a 2 GB length prefix
        await Send(port, noise, Frame(64, Random(64)));                                  // a whole frame of garbage
        await Send(port, noise, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray());
        await TlsClient(port, clients, null);                                            // TLS without a certificate
        if (refusedClientCertificate is not null) await TlsClient(port, clients, refusedClientCertificate);
        for (int batch = 0; batch < 4; batch++)                                          // 1,000 connections, 250 open at a time
        {
            var sockets = await Task.WhenAll(Enumerable.Range(0, 250).Select(_ => Connect(port, noise)));
            await Task.Delay(100);
            foreach (var s in sockets) s?.Dispose();
        }
        return clock.Elapsed;
    }

    static async Task<Socket?> Connect(int port, IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            using var cancel = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel.Token);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    static async Task Send(int port, IPAddress from, byte[] bytes)
    {
        using var socket = await Connect(port, from);
        if (socket is null) return;
        try
        {
            using var cancel = new CancellationTokenSource(Patience);
            for (int offset = 0; offset < bytes.Length; offset += 16_384)
                await socket.SendAsync(bytes.AsMemory(offset, Math.Min(16_384, bytes.Length - offset)), SocketFlags.None, cancel.Token);
            await Task.Delay(50, cancel.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { } // the host may close on us: that is the point
    }

    static async Task TlsClient(int port, IPAddress from, X509Certificate2? certificate)
    {
        using var socket = await Connect(port, from);
        if (socket is null) return;
        try
        {
            using var cancel = new CancellationTokenSource(Patience);
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            }, cancel.Token);
            await tls.WriteAsync(new byte[64], cancel.Token);
            _ = await tls.ReadAsync(new byte[64], cancel.Token); // whatever comes back, or the close
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException) { }
    }
}
