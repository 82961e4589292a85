using FsCheck;
using Google.Protobuf;
using Grpc.Core;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>One gRPC method under fuzzing: how to generate its requests and which statuses specs/api.md allows an authenticated caller.</summary>
/// <param name="Service">The full service name, e.g. <c>privatefl.v1.Federation</c>.</param>
/// <param name="Method">The method name.</param>
/// <param name="Requests">The request generator.</param>
/// <param name="Allowed">The statuses documented for an authenticated caller with such a request; OK included where a random request can be valid.</param>
/// <param name="Timeout">The call's deadline; a long poll that legitimately waits ends in DEADLINE_EXCEEDED, which must then be allowed.</param>
internal sealed record FuzzTarget(string Service, string Method, Gen<IMessage> Requests, StatusCode[] Allowed, TimeSpan Timeout)
{
    public const string FederationService = "privatefl.v1.Federation";
    public const string AdminService = "privatefl.v1.Admin";

    public bool IsAdmin => Service == AdminService;

    public string FullName => $"/{Service}/{Method}";

    public override string ToString() => $"{Service.Split('.')[^1]}/{Method}";
}
