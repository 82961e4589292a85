namespace PrivateFl.ClientSdk;
