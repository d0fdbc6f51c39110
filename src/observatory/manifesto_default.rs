//! The manifesto's default text, in Markdown, shown until an administrator saves their own
//! (French and English).

/// The default French text.
pub const DEFAULT_FR: &str = r#"# Nos villes ne sont pas des laboratoires de surveillance

Les caméras se multiplient dans nos rues, nos gares, nos parcs et devant nos écoles. On veut désormais leur adjoindre des logiciels qui analysent nos gestes, nos silhouettes, nos visages et nos voix, en temps réel et à notre insu. Cette surveillance automatisée fait de l’espace public un lieu où chacune et chacun devient un suspect à trier.

## Ce que nous refusons

- **La reconnaissance faciale** dans l’espace public, en direct comme après coup : elle met fin à l’anonymat dans la rue, dont dépendent nos libertés d’aller et venir, de manifester et de nous réunir.
- **La vidéosurveillance algorithmique**, qui prétend repérer des « comportements anormaux » : ce sont des choix politiques déguisés en calculs, qui visent d’abord les personnes pauvres, jeunes, racisées, ou qui ont simplement le tort de rester immobiles.
- **Les drones, les capteurs sonores et la police dite « prédictive »**, déployés sans débat, souvent à titre d’« expérimentation », et qui ne repartent jamais une fois installés.
- **Le marché de la sécurité**, qui vend aux collectivités des promesses que personne n’évalue et fait de nos villes les vitrines de ses produits.

## Ce que nous demandons

1. L’interdiction de la reconnaissance faciale et de toute analyse biométrique dans l’espace public.
2. L’arrêt des expérimentations de vidéosurveillance algorithmique, et le refus de les rendre permanentes.
3. La transparence : chaque dispositif, son coût, son fournisseur et sa base légale doivent être publics, ville par ville.
4. Le débat démocratique : aucune technologie de surveillance ne doit être installée sans que les habitantes et les habitants aient pu s’informer, en discuter et s’y opposer.
5. Des moyens humains plutôt que des machines : la sécurité d’une ville tient à ses services publics, à ses lieux de rencontre et aux liens entre ses habitants, pas au nombre de ses caméras.

## Pourquoi signer

Ces technologies progressent parce qu’elles progressent en silence. En signant ce manifeste, vous montrez que d’autres choix sont possibles, et vous soutenez le recensement, ville par ville, que mène ce site. Les organisations signataires sont citées publiquement ; les personnes sont comptées, jamais nommées."#;

/// The default English text.
pub const DEFAULT_EN: &str = r#"# Our cities are not surveillance laboratories

Cameras keep spreading through our streets, stations and parks, and outside our schools. Now they are to be fitted with software that analyses our movements, our bodies, our faces and our voices, in real time and without our knowledge. Automated surveillance turns public space into a place where every one of us becomes a suspect to be sorted.

## What we refuse

- **Facial recognition** in public space, live or after the fact: it ends our anonymity in the street, which our freedom to come and go, to protest and to gather depends on.
- **Algorithmic video surveillance** that claims to spot “abnormal behaviour”: political choices dressed up as computation, aimed first at people who are poor, young, racialised, or simply guilty of standing still.
- **Drones, sound sensors and so-called “predictive” policing**, deployed without debate, often as “experiments”, and never taken down once installed.
- **The security market**, which sells local authorities promises that nobody evaluates and turns our cities into showrooms for its products.

## What we demand

1. A ban on facial recognition and on any biometric analysis in public space.
2. An end to algorithmic video surveillance experiments, and no making them permanent.
3. Transparency: every device, its cost, its supplier and its legal basis must be public, city by city.
4. Democratic debate: no surveillance technology may be installed before residents have been able to learn about it, discuss it and oppose it.
5. People rather than machines: a city’s safety rests on its public services, its meeting places and the ties between its residents, not on how many cameras it has.

## Why sign

These technologies advance because they advance quietly. By signing this manifesto, you show that other choices are possible, and you support the city-by-city record this site keeps. Signing organisations are named publicly; people are counted, never named."#;
