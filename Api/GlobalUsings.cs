global using Orleans;
global using Orleans.Runtime;
global using Orleans.Runtime.Messaging;
