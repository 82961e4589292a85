namespace PrivateFl.ClientSdk.Tests;
