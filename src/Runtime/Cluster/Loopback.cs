using System.Net;
using System.Net.Sockets;

namespace SignActors.Runtime.Cluster;

/// <summary>Loopback helpers for code that opens real sockets on one machine (benchmarks, tests).</summary>
public static class Loopback
{
    /// <summary>A TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
