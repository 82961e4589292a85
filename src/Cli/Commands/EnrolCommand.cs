using System.Text.Json.Nodes;
using Google.Protobuf;
using PrivateFl.Cli.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Commands;

/// <summary><c>enrol CLIENT-ID --key-out FILE</c>: a new identity key pair for a bank, its private half to an owner-only file, its public half enrolled.</summary>
internal sealed class EnrolCommand(CliEnvironment environment) : CliCommand<EnrolSettings>(environment)
{
    protected override async Task<int> RunAsync(ServerConnection connection, EnrolSettings settings, Output output, CancellationToken cancellationToken)
    {
        string path = Path.GetFullPath(settings.KeyOut!);
        Grpc.Core.CallOptions call = connection.AdminCall(cancellationToken);
        using var key = SigningKey.Generate();
        KeyFile.WriteNew(path, key);
        ClientInfo client;
        try
        {
            client = await connection.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = settings.ClientId, IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, call).ResponseAsync.ConfigureAwait(false);
        }
        catch
        {
            // A key that was not enrolled is of no use, and a later run must be free to write the file again.
            File.Delete(path);
            throw;
        }

        if (settings.Json)
        {
            output.Json(new JsonObject { ["client"] = Output.ToNode(client), ["keyFile"] = path });
        }
        else
        {
            output.Write(Output.Properties(
            [
                ("Enrolled", client.ClientId),
                ("Identity public key", client.IdentityPublicKey.ToBase64()),
                ("Private key file (0600)", path),
            ]));
        }

        return ExitCodes.Success;
    }
}
