import { readFileSync } from 'node:fs'
import { Client } from '@await-mqtt/core'

export async function secure() {
  // #region system
  await using client = await Client.connect('mqtts://broker.example.com') // port 8883, system CAs, verified
  // #endregion system
  return client
}

export async function ownCa() {
  // #region ca
  await using client = await Client.connect('mqtts://broker.local', {
    tls: { ca: readFileSync('ca.pem') }, // trust your own certificate authority
  })
  // #endregion ca
  return client
}

export async function mutual() {
  // #region mutual
  await using client = await Client.connect({
    hostname: 'broker.local',
    port: 8883,
    tls: {
      ca: readFileSync('ca.pem'),
      cert: readFileSync('client.crt'),
      key: readFileSync('client.key'),
      servername: 'broker.local', // SNI and the name the certificate must carry
      minVersion: 'TLSv1.2',
    },
  })
  // #endregion mutual
  return client
}

export async function awsIot() {
  // #region alpn
  await using client = await Client.connect('mqtts://example-ats.iot.eu-west-1.amazonaws.com:443', {
    tls: {
      cert: readFileSync('device.crt'),
      key: readFileSync('device.key'),
      ALPNProtocols: ['x-amzn-mqtt-ca'],
    },
  })
  // #endregion alpn
  return client
}
